package io.segline.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of the registry client and the Avro serdes, read from the same keys Confluent's
 * clients use, so existing client property files work unchanged.
 *
 * <table>
 * <caption>Keys (each may also be given with the {@code schema.registry.} prefix where Confluent allows it)</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code schema.registry.url}</td><td>required</td><td>comma-separated base URLs, tried in turn
 *     on connection errors; or {@code mock://<scope>} for an in-memory registry</td></tr>
 * <tr><td>{@code auto.register.schemas}</td><td>true</td><td>serializers register the record's schema</td></tr>
 * <tr><td>{@code use.latest.version}</td><td>false</td><td>serializers write with the subject's latest schema
 *     instead of the record's own</td></tr>
 * <tr><td>{@code latest.cache.ttl.sec}</td><td>-1</td><td>how long the latest version is cached; -1 forever</td></tr>
 * <tr><td>{@code basic.auth.credentials.source}</td><td>URL</td><td>{@code URL} (user info in the URL) or
 *     {@code USER_INFO} (from {@code basic.auth.user.info}, {@code user:password})</td></tr>
 * <tr><td>{@code max.retries}</td><td>3</td><td>retries on connection errors, 408, 429 and 5xx</td></tr>
 * <tr><td>{@code retries.wait.ms}</td><td>1000</td><td>first backoff; doubles on each retry</td></tr>
 * <tr><td>{@code retries.max.wait.ms}</td><td>20000</td><td>cap of the backoff</td></tr>
 * <tr><td>{@code http.connect.timeout.ms}</td><td>60000</td><td>TCP/TLS connect timeout</td></tr>
 * <tr><td>{@code http.read.timeout.ms}</td><td>60000</td><td>time allowed for one request's answer</td></tr>
 * <tr><td>{@code schema.registry.ssl.truststore.location}</td><td>none</td><td>trust store (PKCS12 or JKS) with
 *     the certificates that sign the registry's; without it the JDK's default trust store is used</td></tr>
 * <tr><td>{@code schema.registry.ssl.truststore.password}</td><td>none</td><td>its password</td></tr>
 * <tr><td>{@code schema.registry.ssl.truststore.type}</td><td>PKCS12</td><td>its type</td></tr>
 * </table>
 *
 * <p>Without a trust store of its own, TLS uses the JDK's default one, configured the standard way
 * ({@code -Djavax.net.ssl.trustStore=...}, {@code -Djavax.net.ssl.trustStorePassword=...}).
 */
public record RegistryConfig(
        List<URI> urls,
        boolean autoRegister,
        boolean useLatestVersion,
        Duration latestCacheTtl,
        CredentialsSource credentialsSource,
        String userInfo,
        int maxRetries,
        Duration retryWait,
        Duration retryMaxWait,
        Duration connectTimeout,
        Duration readTimeout,
        TrustStore trustStore) {

    public static final String URL = "schema.registry.url";
    public static final String AUTO_REGISTER = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";

    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";

    private static final String PREFIX = "schema.registry.";

    /** The trust store for the registry's TLS certificate, when it is not the JDK's default one. */
    public record TrustStore(java.nio.file.Path location, String password, String type) {
        @Override
        public String toString() {
            return "TrustStore[location=" + location + ", type=" + type + ", password=" + (password == null ? "none" : "[hidden]") + "]";
        }
    }

    /** Where basic-auth credentials come from. */
    public enum CredentialsSource { URL, USER_INFO }

    public RegistryConfig {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new ConfigException(URL + " is required: one or more http(s)://host:port[/path] URLs, or mock://<scope>");
        }
        if (credentialsSource == CredentialsSource.USER_INFO && (userInfo == null || !userInfo.contains(":"))) {
            throw new ConfigException(CREDENTIALS_SOURCE + "=USER_INFO needs " + USER_INFO + " in the form user:password");
        }
        if (maxRetries < 0) {
            throw new ConfigException(MAX_RETRIES + " must be 0 or more, not " + maxRetries);
        }
    }

    /** Like the record's own, but never prints the password. */
    @Override
    public String toString() {
        return "RegistryConfig[urls=" + urls.stream().map(RestSchemaRegistryClient::withoutUserInfo).toList()
                + ", autoRegister=" + autoRegister + ", useLatestVersion=" + useLatestVersion
                + ", credentialsSource=" + credentialsSource + ", userInfo=" + (userInfo == null ? "none" : "[hidden]")
                + ", maxRetries=" + maxRetries + ", retryWait=" + retryWait + ", retryMaxWait=" + retryMaxWait
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", trustStore=" + trustStore + "]";
    }

    /** Reads the configuration from Kafka-style properties; unknown keys are ignored. */
    public static RegistryConfig fromMap(Map<String, ?> props) {
        String rawUrls = string(props, URL, null);
        if (rawUrls == null || rawUrls.isBlank()) {
            throw new ConfigException(URL + " is required: one or more http(s)://host:port[/path] URLs, or mock://<scope>");
        }
        List<URI> urls = new ArrayList<>();
        for (String part : rawUrls.split(",")) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) {
                urls.add(parseUrl(trimmed));
            }
        }
        if (urls.size() > 1 && urls.stream().anyMatch(RegistryConfig::isMock)) {
            throw new ConfigException(URL + " cannot mix mock:// with other URLs: " + rawUrls);
        }
        String source = string(props, CREDENTIALS_SOURCE, "URL").trim().toUpperCase(Locale.ROOT);
        CredentialsSource credentialsSource;
        try {
            credentialsSource = CredentialsSource.valueOf(source);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(CREDENTIALS_SOURCE + " must be URL or USER_INFO, not '" + source + "'");
        }
        return new RegistryConfig(
                urls,
                bool(props, AUTO_REGISTER, true),
                bool(props, USE_LATEST_VERSION, false),
                Duration.ofSeconds(number(props, LATEST_CACHE_TTL_SEC, -1)),
                credentialsSource,
                string(props, USER_INFO, null),
                (int) number(props, MAX_RETRIES, 3),
                Duration.ofMillis(number(props, RETRIES_WAIT_MS, 1000)),
                Duration.ofMillis(number(props, RETRIES_MAX_WAIT_MS, 20000)),
                Duration.ofMillis(number(props, CONNECT_TIMEOUT_MS, 60000)),
                Duration.ofMillis(number(props, READ_TIMEOUT_MS, 60000)),
                trustStore(props));
    }

    private static TrustStore trustStore(Map<String, ?> props) {
        String location = string(props, TRUSTSTORE_LOCATION, null);
        if (location == null || location.isBlank()) {
            return null;
        }
        return new TrustStore(java.nio.file.Path.of(location.trim()), string(props, TRUSTSTORE_PASSWORD, null),
                string(props, TRUSTSTORE_TYPE, "PKCS12").trim());
    }

    /** Configuration for one URL with every other key at its default. */
    public static RegistryConfig forUrl(String url) {
        return fromMap(Map.of(URL, url));
    }

    /** True when the configuration names an in-memory {@code mock://} registry. */
    public boolean isMock() {
        return isMock(urls.get(0));
    }

    private static boolean isMock(URI uri) {
        return "mock".equalsIgnoreCase(uri.getScheme());
    }

    private static URI parseUrl(String url) {
        if (url.toLowerCase(Locale.ROOT).startsWith("mock:") && url.replaceFirst("(?i)^mock:(//)?", "").isBlank()) {
            throw new ConfigException(URL + " mock:// needs a scope name, e.g. mock://unit-test");
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            switch (scheme) {
                case "http", "https" -> {
                    if (uri.getHost() == null) {
                        throw new ConfigException(URL + " has no host: '" + url + "'");
                    }
                }
                case "mock" -> {
                    if (mockScope(uri).isEmpty()) {
                        throw new ConfigException(URL + " mock:// needs a scope name, e.g. mock://unit-test");
                    }
                }
                default -> throw new ConfigException(URL + " must be http://, https:// or mock://, not '" + url + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(URL + " is not a valid URL: '" + url + "' (" + e.getMessage() + ")");
        }
    }

    static String mockScope(URI uri) {
        String ssp = uri.getSchemeSpecificPart();
        return ssp.startsWith("//") ? ssp.substring(2) : ssp;
    }

    private static Object lookup(Map<String, ?> props, String key) {
        Object value = props.get(key);
        if (value == null && !key.startsWith(PREFIX)) {
            value = props.get(PREFIX + key);
        }
        return value;
    }

    private static String string(Map<String, ?> props, String key, String fallback) {
        Object value = lookup(props, key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof org.apache.kafka.common.config.types.Password password) {
            return password.value();
        }
        return value.toString();
    }

    private static boolean bool(Map<String, ?> props, String key, boolean fallback) {
        String value = string(props, key, null);
        if (value == null) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key + " must be true or false, not '" + value + "'");
        };
    }

    private static long number(Map<String, ?> props, String key, long fallback) {
        String value = string(props, key, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, not '" + value + "'");
        }
    }
}

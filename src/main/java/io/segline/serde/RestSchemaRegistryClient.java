package io.segline.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segline.serde.SchemaRegistryException.IncompatibleSchemaException;
import io.segline.serde.SchemaRegistryException.RegistryAuthorizationException;
import io.segline.serde.SchemaRegistryException.RegistryUnavailableException;
import io.segline.serde.SchemaRegistryException.SchemaNotFoundException;
import io.segline.serde.SchemaRegistryException.SubjectNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the Confluent Schema Registry REST API over HTTP(S), without caching (wrap it in a
 * {@link CachingSchemaRegistryClient}, as {@link SchemaRegistryClients#create} does).
 *
 * <p>Connection errors and answers 408, 429 and 5xx are retried with exponential backoff and jitter,
 * moving to the next configured URL on connection errors; when every retry fails a
 * {@link RegistryUnavailableException} is thrown. Other 4xx answers are not retried and become the
 * specific {@link SchemaRegistryException} subclass with the registry's message.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryConfig config;
    private final List<URI> baseUrls;
    private final String authorization;
    private final HttpClient http;
    private final AtomicInteger preferredUrl = new AtomicInteger();

    public RestSchemaRegistryClient(RegistryConfig config) {
        if (config.isMock()) {
            throw new IllegalArgumentException("mock:// URLs are served by MockSchemaRegistry, not over HTTP");
        }
        this.config = config;
        this.baseUrls = config.urls().stream().map(RestSchemaRegistryClient::withoutUserInfo).toList();
        this.authorization = authorizationHeader(config);
        HttpClient.Builder http = HttpClient.newBuilder();
        if (config.trustStore() != null) {
            http.sslContext(sslContext(config.trustStore()));
        }
        this.http = http
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    private static javax.net.ssl.SSLContext sslContext(RegistryConfig.TrustStore store) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(store.location())) {
            java.security.KeyStore keys = java.security.KeyStore.getInstance(store.type());
            keys.load(in, store.password() == null ? null : store.password().toCharArray());
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keys);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new org.apache.kafka.common.config.ConfigException(RegistryConfig.TRUSTSTORE_LOCATION + "=" + store.location()
                    + " cannot be read as a " + store.type() + " trust store (check it and " + RegistryConfig.TRUSTSTORE_PASSWORD
                    + "): " + e.getMessage());
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        try {
            JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), subject, -1);
            return answer.path("id").asInt();
        } catch (IncompatibleSchemaException refused) {
            // Two clients registering the same new schema at once: some registries (Apicurio's ccompat API) refuse
            // the loser with 409 although the schema is now there. If it is, that is success.
            try {
                return lookup(subject, schema).id();
            } catch (SchemaRegistryException notThere) {
                throw refused;
            }
        }
    }

    @Override
    public Schema schemaById(int id) {
        JsonNode answer = call("GET", "/schemas/ids/" + id, null, null, id);
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException("Schema id " + id + " is a " + type + " schema, not Avro", 200, 0);
        }
        return parse(answer.path("schema").asText(), "schema id " + id);
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        JsonNode answer = call("POST", "/subjects/" + encode(subject), schemaBody(schema), subject, -1);
        return new RegisteredSchema(subject, answer.path("version").asInt(), answer.path("id").asInt(), schema);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null, subject, -1);
        return new RegisteredSchema(subject, answer.path("version").asInt(), answer.path("id").asInt(),
                parse(answer.path("schema").asText(), "latest version of subject '" + subject + "'"));
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        JsonNode answer;
        try {
            answer = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                    schemaBody(schema), subject, -1);
        } catch (SubjectNotFoundException e) {
            return new CompatibilityResult(true, List.of("subject '" + subject + "' has no versions yet"));
        }
        List<String> messages = new ArrayList<>();
        // Confluent answers with a "messages" array, Apicurio's ccompat API with a "reason" string.
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        if (answer.hasNonNull("reason")) {
            messages.add(answer.get("reason").asText());
        }
        return new CompatibilityResult(answer.path("is_compatible").asBoolean(false), messages);
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
        call("PUT", "/config/" + encode(subject), body.toString(), subject, -1);
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null, null, -1).forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    @Override
    public List<Integer> deleteSubject(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("DELETE", "/subjects/" + encode(subject), null, subject, -1).forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    @Override
    public String describe() {
        return baseUrls.size() == 1 ? baseUrls.get(0).toString() : baseUrls.toString();
    }

    private JsonNode call(String method, String path, String body, String subject, int schemaId) {
        int attempts = config.maxRetries() + 1;
        String lastProblem = "no attempt made";
        int lastStatus = 0;
        Throwable lastError = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (attempt > 0) {
                sleep(backoff(attempt));
            }
            int urlIndex = Math.floorMod(preferredUrl.get(), baseUrls.size());
            URI base = baseUrls.get(urlIndex);
            HttpResponse<String> response;
            try {
                response = http.send(request(method, base, path, body), HttpResponse.BodyHandlers.ofString());
            } catch (javax.net.ssl.SSLHandshakeException e) {
                // Not transient: the registry's certificate is not trusted (or the TLS setup does not match).
                throw new RegistryUnavailableException("TLS handshake with schema registry " + base + " failed: " + e.getMessage()
                        + ". Is its certificate signed by a CA in " + RegistryConfig.TRUSTSTORE_LOCATION
                        + (config.trustStore() == null ? " (not set: the JDK's default trust store was used)" : " ("
                        + config.trustStore().location() + ")") + "?", 0, e);
            } catch (IOException e) {
                // Connection refused, reset, timed out: the next attempt goes to the next URL.
                preferredUrl.compareAndSet(urlIndex, urlIndex + 1);
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                lastError = e;
                lastStatus = 0;
                log.debug("Registry {} {}{} failed (attempt {}/{}): {}", method, base, path, attempt + 1, attempts, lastProblem);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("Interrupted while calling schema registry " + base, 0, e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return readJson(response.body(), method, path);
            }
            if (status == 408 || status == 429 || status >= 500) {
                lastStatus = status;
                lastProblem = "HTTP " + status + " " + registryMessage(response.body());
                lastError = null;
                log.debug("Registry {} {}{} answered {} (attempt {}/{})", method, base, path, status, attempt + 1, attempts);
                continue;
            }
            throw clientError(status, response.body(), method, path, subject, schemaId);
        }
        throw new RegistryUnavailableException("Schema registry " + describe() + " did not answer " + method + " " + path
                + " after " + attempts + " attempt(s): " + lastProblem, lastStatus, lastError);
    }

    private HttpRequest request(String method, URI base, String path, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(stripSlash(base.toString()) + path))
                .timeout(config.readTimeout())
                .header("Accept", ACCEPT);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (body != null) {
            builder.header("Content-Type", CONTENT_TYPE);
            builder.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return builder.build();
    }

    private SchemaRegistryException clientError(int status, String body, String method, String path, String subject,
            int schemaId) {
        int errorCode = errorCode(body);
        String message = registryMessage(body);
        if (status == 401 || status == 403) {
            return new RegistryAuthorizationException("Schema registry " + describe() + " refused " + method + " " + path
                    + " with HTTP " + status + " (" + message + "): check " + RegistryConfig.CREDENTIALS_SOURCE + " and "
                    + RegistryConfig.USER_INFO, status, errorCode);
        }
        if (status == 409 && subject != null) {
            return new IncompatibleSchemaException(subject, message, status, errorCode);
        }
        if (status == 404 && schemaId >= 0) {
            return new SchemaNotFoundException(schemaId, message, status, errorCode);
        }
        if (status == 404 && subject != null) {
            return new SubjectNotFoundException(subject, message, status, errorCode);
        }
        String about = subject != null ? " for subject '" + subject + "'" : schemaId >= 0 ? " for schema id " + schemaId : "";
        return new SchemaRegistryException("Schema registry " + describe() + " rejected " + method + " " + path + about
                + " with HTTP " + status + ": " + message, status, errorCode);
    }

    private Duration backoff(int attempt) {
        long base = config.retryWait().toMillis();
        long capped = Math.min(config.retryMaxWait().toMillis(), base << Math.min(attempt - 1, 20));
        // Full jitter on the upper half keeps many clients from retrying in lock step.
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("Interrupted while waiting to retry a schema registry call", 0, e);
        }
    }

    private JsonNode readJson(String body, String method, String path) {
        try {
            return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            throw new SchemaRegistryException("Schema registry " + describe() + " answered " + method + " " + path
                    + " with something that is not JSON: " + abbreviate(body), 200, 0, e);
        }
    }

    private static int errorCode(String body) {
        return json(body).map(n -> n.path("error_code").asInt(0)).orElse(0);
    }

    private static String registryMessage(String body) {
        return json(body).filter(n -> n.hasNonNull("message")).map(n -> n.get("message").asText())
                .orElseGet(() -> abbreviate(body));
    }

    private static Optional<JsonNode> json(String body) {
        try {
            return Optional.ofNullable(body == null || body.isBlank() ? null : JSON.readTree(body));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String abbreviate(String text) {
        if (text == null || text.isBlank()) {
            return "(empty answer)";
        }
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("The registry's " + what + " is not a valid Avro schema: " + e.getMessage(),
                    200, 0, e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    static URI withoutUserInfo(URI uri) {
        if (uri.getUserInfo() == null) {
            return uri;
        }
        return URI.create(uri.toString().replaceFirst("//[^/@]*@", "//"));
    }

    private static String authorizationHeader(RegistryConfig config) {
        String userInfo = switch (config.credentialsSource()) {
            case USER_INFO -> config.userInfo();
            case URL -> config.urls().stream().map(URI::getRawUserInfo).filter(u -> u != null && !u.isEmpty())
                    .findFirst().map(u -> java.net.URLDecoder.decode(u, StandardCharsets.UTF_8)).orElse(null);
        };
        if (userInfo == null) {
            return null;
        }
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }
}

package io.segline.streams;

import io.segline.config.SeglineConfig;
import io.segline.serde.RegistryConfig;
import io.segline.serde.RestSchemaRegistryClient;
import io.segline.serde.SchemaRegistryException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Checks, before a line starts, that the cluster and the registry let it in: a wrong password or a
 * certificate nobody trusts fails at once with a message that names the setting to fix, instead of
 * stream threads retrying in the background. A slow or absent broker is reported the same way.
 */
public final class Preflight {
    private Preflight() {
    }

    /** Throws {@link ConfigException} naming the setting when the broker or the registry refuses the line. */
    public static void check(SeglineConfig config, Duration timeout) {
        Map<String, Object> clients = config.clientProperties();
        checkKafka(clients, timeout);
        checkRegistry(clients, timeout);
    }

    static void checkKafka(Map<String, Object> clients, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        clients.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key) || key.startsWith("listener.name.")) {
                props.put(key, value);
            }
        });
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        String where = "Kafka at " + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG + "=" + clients.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                + " (" + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG + "=" + clients.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                "PLAINTEXT") + ")";
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).clusterId()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SaslAuthenticationException) {
                throw new ConfigException(where + " refused the credentials (" + SaslConfigs.SASL_MECHANISM + "="
                        + clients.getOrDefault(SaslConfigs.SASL_MECHANISM, "GSSAPI") + "): check the username and password in "
                        + SaslConfigs.SASL_JAAS_CONFIG + ". The broker said: " + cause.getMessage());
            }
            if (cause instanceof SslAuthenticationException) {
                throw new ConfigException("TLS handshake with " + where + " failed: is the broker's certificate signed by a CA in "
                        + SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG + " (" + clients.getOrDefault(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                        "not set: the JDK's default trust store") + "), and does its name match (" + SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG
                        + ")? Cause: " + rootMessage(cause));
            }
            throw new ConfigException(where + " could not be reached: " + rootMessage(cause));
        } catch (TimeoutException e) {
            throw new ConfigException(where + " did not answer within " + timeout.toSeconds() + " s: check "
                    + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG + " and " + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("Interrupted while checking " + where);
        }
    }

    static void checkRegistry(Map<String, Object> clients, Duration timeout) {
        Map<String, Object> props = new HashMap<>(clients);
        props.put(RegistryConfig.MAX_RETRIES, "0");
        props.put(RegistryConfig.CONNECT_TIMEOUT_MS, String.valueOf(timeout.toMillis()));
        props.put(RegistryConfig.READ_TIMEOUT_MS, String.valueOf(timeout.toMillis()));
        RegistryConfig registry = RegistryConfig.fromMap(props);
        if (registry.isMock()) {
            return;
        }
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry);
        try {
            client.subjects();
        } catch (SchemaRegistryException.RegistryAuthorizationException e) {
            throw new ConfigException("Schema registry " + client.describe() + " refused the line (HTTP " + e.httpStatus()
                    + "): check " + RegistryConfig.USER_INFO + " (with " + RegistryConfig.CREDENTIALS_SOURCE + "=USER_INFO) or the"
                    + " user info in " + RegistryConfig.URL + ". The registry said: " + e.getMessage());
        } catch (SchemaRegistryException.RegistryUnavailableException e) {
            if (e.getCause() instanceof javax.net.ssl.SSLHandshakeException) {
                throw new ConfigException(e.getMessage());
            }
            throw new ConfigException("Schema registry " + client.describe() + " could not be reached: check "
                    + RegistryConfig.URL + ". " + e.getMessage());
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == error ? String.valueOf(error.getMessage()) : error.getMessage() + " (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")";
    }
}

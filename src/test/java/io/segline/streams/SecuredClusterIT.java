package io.segline.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.Main;
import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.line.StreamsRunner;
import io.segline.records.SegmentationResult;
import io.segline.serde.RegistryConfig;
import io.segline.testing.BasicAuthTlsProxy;
import io.segline.testing.SecuredKafka;
import io.segline.testing.TestCertificates;
import io.segline.testing.TestCluster;
import io.segline.testing.TestImages;
import io.segline.topics.TopicAdmin;
import io.segline.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The line on a secured cluster: the broker takes SASL_SSL only (SCRAM-SHA-512, a certificate from a
 * CA made by the test), the registry sits behind basic authentication over HTTPS, and every setting
 * comes from one client properties file. A wrong password or an untrusted certificate, on either side,
 * stops {@code segline run} at start with a message that names the setting to fix.
 */
@Tag("integration")
class SecuredClusterIT {
    private static final String REGISTRY_USER = "line";
    private static final String REGISTRY_PASSWORD = "registry-secret";

    @TempDir
    static Path dir;
    static TestCertificates certificates;
    static SecuredKafka kafka;
    static BasicAuthTlsProxy registry;

    @BeforeAll
    static void startSecuredCluster() throws Exception {
        certificates = TestCertificates.create(dir.resolve("certificates"));
        kafka = SecuredKafka.start(certificates);
        registry = BasicAuthTlsProxy.start(TestCluster.registry().url(), REGISTRY_USER, REGISTRY_PASSWORD, certificates);
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldSegmentOnASaslSslClusterWithAnHttpsRegistryBehindBasicAuthFromAClientPropertiesFile() throws Exception {
        Path file = clientProperties("secured", Map.of());
        SeglineConfig config = SeglineConfig.load(file, Map.of(), Map.of());
        Preflight.check(config, Duration.ofSeconds(30));
        TopicAdmin.createTopics(config, 1, (short) 1);
        Topics topics = Topics.from(config);
        String images = topics.images().name();

        try (StreamsRunner line = new StreamsRunner(config)) {
            line.start();
            Map<String, Object> props = new HashMap<>(config.clientProperties());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 3; i++) {
                    String id = "secured-" + i;
                    producer.send(new ProducerRecord<>(images, id, topics.images().valueSerde().serializer()
                            .serialize(images, TestImages.inline(id, TestImages.png(i), "a capture on a secured cluster"))));
                }
            }
            List<ConsumerRecord<byte[], byte[]>> masks = TestCluster.readCommitted(config, topics.masks().name(), 3, Duration.ofSeconds(120));
            assertThat(masks.stream().map(r -> topics.masks().valueSerde().deserializer().deserialize(topics.masks().name(), r.value()))
                    .map(SegmentationResult::getImageId)).containsExactlyInAnyOrder("secured-0", "secured-1", "secured-2");
            assertThat(line.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
        assertThat(registry.refused()).as("requests the registry refused with the right password").isZero();
    }

    @Test
    void shouldStopAtStartNamingSaslJaasConfigWhenTheKafkaPasswordIsWrong() throws Exception {
        assertRunRefused(Map.of("sasl.jaas.config", jaas(SecuredKafka.USER, "not-the-password")), "sasl.jaas.config", "refused the credentials");
    }

    @Test
    void shouldStopAtStartNamingTheTrustStoreWhenTheBrokerCertificateIsNotTrusted() throws Exception {
        assertRunRefused(Map.of("ssl.truststore.location", certificates.foreignTrustStore().toString()), "ssl.truststore.location",
                "TLS handshake");
    }

    @Test
    void shouldStopAtStartNamingBasicAuthUserInfoWhenTheRegistryPasswordIsWrong() throws Exception {
        assertRunRefused(Map.of(RegistryConfig.USER_INFO, REGISTRY_USER + ":wrong"), RegistryConfig.USER_INFO, "HTTP 401");
    }

    @Test
    void shouldStopAtStartNamingTheRegistryTrustStoreWhenTheRegistryCertificateIsNotTrusted() throws Exception {
        assertRunRefused(Map.of(RegistryConfig.TRUSTSTORE_LOCATION, certificates.foreignTrustStore().toString()),
                RegistryConfig.TRUSTSTORE_LOCATION, "TLS handshake");
    }

    private void assertRunRefused(Map<String, String> wrong, String setting, String what) throws Exception {
        Path file = clientProperties("refused", wrong);
        Writer err = new StringWriter();
        Writer out = new StringWriter();
        long started = System.nanoTime();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("run", "--config", file.toString(), "--segmenter", "baseline");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(exit).as("exit code; stderr: %s", err).isEqualTo(1);
        assertThat(err.toString()).contains(setting).contains(what);
        assertThat(out.toString()).as("nothing started").doesNotContain("Model warmed up");
        assertThat(took).as("time to fail").isLessThan(Duration.ofSeconds(30));
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** The client properties file an operator writes for this cluster, with {@code overrides} on top. */
    private static Path clientProperties(String name, Map<String, String> overrides) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(SeglineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        settings.putAll(SecuredKafka.clientSettings(SecuredKafka.USER, SecuredKafka.PASSWORD, certificates.trustStore(),
                certificates.password()));
        settings.put(SeglineConfig.SCHEMA_REGISTRY_URL, registry.url());
        settings.put(RegistryConfig.CREDENTIALS_SOURCE, "USER_INFO");
        settings.put(RegistryConfig.USER_INFO, REGISTRY_USER + ":" + REGISTRY_PASSWORD);
        settings.put(RegistryConfig.TRUSTSTORE_LOCATION, certificates.trustStore().toString());
        settings.put(RegistryConfig.TRUSTSTORE_PASSWORD, certificates.password());
        settings.put(Keys.APPLICATION_ID, name + "-" + System.nanoTime());
        settings.put(Keys.TOPIC_PREFIX, name + ".");
        settings.put(Keys.SEGMENTER, "baseline");
        settings.put(Keys.COMMIT_INTERVAL_MS, "300");
        settings.put(Keys.HTTP_PORT, "-1");
        settings.put("state.dir", Files.createTempDirectory(dir, "state-").toString());
        settings.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(settings);
        Path file = Files.createTempFile(dir, name + "-", ".properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "segline on a secured cluster");
        }
        return file;
    }
}

package io.segline.testing;

import io.segline.streams.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * A one-node broker whose clients must use SASL_SSL with SCRAM-SHA-512: TLS with a certificate from the
 * test's own CA, and SCRAM users created in the cluster's bootstrap metadata (the broker itself talks to
 * its listener as {@code broker}; the line logs in as {@link #USER}). The controller listener stays
 * plaintext on loopback; clients never use it.
 */
public final class SecuredKafka implements AutoCloseable {
    public static final String USER = "segline";
    public static final String PASSWORD = "segline-secret";
    private static final String BROKER_USER = "broker";
    private static final String BROKER_PASSWORD = "broker-secret";
    private static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_512;

    private final KafkaClusterTestKit cluster;

    private SecuredKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static SecuredKafka start(TestCertificates certificates) throws Exception {
        TestKitNodes defaults = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build();
        List<ApiMessageAndVersion> records = new ArrayList<>(defaults.bootstrapMetadata().records());
        records.add(scramUser(BROKER_USER, BROKER_PASSWORD));
        records.add(scramUser(USER, PASSWORD));
        Path dir = Files.createTempDirectory("segline-secured-kafka-");
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + BROKER_USER
                + "\" password=\"" + BROKER_PASSWORD + "\";";
        KafkaClusterTestKit cluster = EmbeddedKafka.singleNode(new KafkaClusterTestKit.Builder(new TestKitNodes.Builder(
                BootstrapMetadata.fromRecords(records, "segline secured test"))
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(dir)
                .build())
                .setDeleteOnClose(true), 16 * 1024 * 1024)
                // The test kit only builds PLAINTEXT and SASL_PLAINTEXT nodes; the listener map it would write is
                // replaced by ours, which puts the broker's listener (clients and inter-broker) on SASL_SSL.
                .setConfigProp("listener.security.protocol.map", "EXTERNAL:" + SecurityProtocol.SASL_SSL.name + ",CONTROLLER:PLAINTEXT")
                .setConfigProp("sasl.enabled.mechanisms", MECHANISM.mechanismName())
                .setConfigProp("sasl.mechanism.inter.broker.protocol", MECHANISM.mechanismName())
                .setConfigProp("listener.name.external.scram-sha-512.sasl.jaas.config", jaas)
                .setConfigProp("ssl.keystore.location", certificates.serverKeyStore().toString())
                .setConfigProp("ssl.keystore.password", certificates.password())
                .setConfigProp("ssl.key.password", certificates.password())
                .setConfigProp("ssl.keystore.type", "PKCS12")
                .setConfigProp("ssl.truststore.location", certificates.trustStore().toString())
                .setConfigProp("ssl.truststore.password", certificates.password())
                .setConfigProp("ssl.truststore.type", "PKCS12")
                .build();
        EmbeddedKafka.startQuietly(cluster);
        return new SecuredKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Client settings for the line: SASL_SSL, SCRAM-SHA-512 as {@code user}, trusting {@code trustStore}. */
    public static Map<String, String> clientSettings(String user, String password, Path trustStore, String storePassword) {
        return Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", MECHANISM.mechanismName(),
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                        + "\" password=\"" + password + "\";",
                "ssl.truststore.location", trustStore.toString(),
                "ssl.truststore.password", storePassword,
                "ssl.truststore.type", "PKCS12");
    }

    private static ApiMessageAndVersion scramUser(String name, String password) throws Exception {
        ScramCredential credential = new ScramFormatter(MECHANISM).generateCredential(password, 4096);
        return new ApiMessageAndVersion(new UserScramCredentialRecord()
                .setName(name)
                .setMechanism(MECHANISM.type())
                .setSalt(credential.salt())
                .setStoredKey(credential.storedKey())
                .setServerKey(credential.serverKey())
                .setIterations(credential.iterations()), (short) 0);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}

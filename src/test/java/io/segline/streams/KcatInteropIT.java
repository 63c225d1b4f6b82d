package io.segline.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segline.config.SeglineConfig;
import io.segline.line.StreamsRunner;
import io.segline.records.SegmentationResult;
import io.segline.serde.RegistryConfig;
import io.segline.serde.SchemaRegistryClients;
import io.segline.testing.TestCluster;
import io.segline.testing.TestImages;
import io.segline.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** librdkafka's kcat, an independent client, reads segline's masks topic. */
@Tag("integration")
class KcatInteropIT {
    private static final String KCAT = "/usr/bin/kcat";

    @BeforeEach
    void requireKcat() {
        assumeTrue(Files.isExecutable(Path.of(KCAT)), "Skipped: kcat is not installed. Install it with"
                + " 'apt-get install -y kcat' (.ci/run does this).");
    }

    @Test
    void shouldBeReadableByKcatWithMagicByteAndSchemaIdOfTheMasksSubject() throws Exception {
        SeglineConfig config = TestCluster.config("kcat", Map.of());
        Topics topics = Topics.from(config);
        try (StreamsRunner line = new StreamsRunner(config)) {
            line.start();
            LineIT.produceInterleaved(config, topics.images().name(), Map.of("kcat-1",
                    topics.images().valueSerde().serializer().serialize(topics.images().name(),
                            TestImages.inline("kcat-1", TestImages.png(1), "for kcat"))), List.of("kcat-1"));
            assertThat(TestCluster.readCommitted(config, topics.masks().name(), 1, Duration.ofSeconds(60))).hasSize(1);
        }
        String bootstrap = config.require(SeglineConfig.BOOTSTRAP_SERVERS);

        byte[] raw = run(KCAT, "-C", "-b", bootstrap, "-t", topics.masks().name(), "-o", "beginning", "-c", "1", "-e",
                "-X", "isolation.level=read_committed", "-f", "%s");
        assertThat(raw[0]).as("magic byte").isZero();
        int id = ByteBuffer.wrap(raw, 1, 4).getInt();
        int registered = SchemaRegistryClients.create(RegistryConfig.fromMap(config.clientProperties()))
                .lookup(topics.masks().name() + "-value", SegmentationResult.getClassSchema()).id();
        assertThat(id).isEqualTo(registered);
        assertThat(topics.masks().valueSerde().deserializer().deserialize(topics.masks().name(), raw).getImageId())
                .isEqualTo("kcat-1");

    }

    private static byte[] run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("kcat exit code for %s", String.join(" ", command)).isZero();
        return out;
    }
}

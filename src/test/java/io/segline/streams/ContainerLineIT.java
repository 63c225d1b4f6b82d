package io.segline.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.line.StreamsRunner;
import io.segline.records.SegmentationResult;
import io.segline.testing.TestCluster;
import io.segline.testing.TestImages;
import io.segline.topics.TopicAdmin;
import io.segline.topics.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same N-in, N-out check as {@link LineIT} against Apache Kafka's own container image, where Docker
 * is available; skipped cleanly where it is not.
 */
@Tag("integration")
@Testcontainers(disabledWithoutDocker = true)
class ContainerLineIT {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @Test
    void shouldGiveOneResultPerCaptureOnAContainerisedBroker() throws Exception {
        SeglineConfig config = SeglineConfig.of(Map.of(
                SeglineConfig.BOOTSTRAP_SERVERS, KAFKA.getBootstrapServers(),
                SeglineConfig.SCHEMA_REGISTRY_URL, TestCluster.registry().url(),
                Keys.APPLICATION_ID, "segline-container-it",
                Keys.COMMIT_INTERVAL_MS, "300",
                "state.dir", Files.createTempDirectory("segline-container-state-").toString()));
        TopicAdmin.createTopics(config, 2, (short) 1);
        Topics topics = Topics.from(config);
        Map<String, byte[]> input = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = "container-" + i;
            ids.add(id);
            input.put(id, topics.images().valueSerde().serializer().serialize(topics.images().name(),
                    TestImages.inline(id, TestImages.png(i), "caption")));
        }
        try (StreamsRunner line = new StreamsRunner(config)) {
            line.start();
            LineIT.produceInterleaved(config, topics.images().name(), input, ids);
            List<ConsumerRecord<byte[], byte[]>> masks = TestCluster.readCommitted(config, topics.masks().name(), ids.size(), Duration.ofSeconds(90));
            assertThat(masks.stream().map(r -> topics.masks().valueSerde().deserializer().deserialize(topics.masks().name(), r.value()))
                    .map(SegmentationResult::getImageId)).containsExactlyInAnyOrderElementsOf(ids);
        }
    }
}

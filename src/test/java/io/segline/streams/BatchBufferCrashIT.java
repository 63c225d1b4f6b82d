package io.segline.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.records.SegmentationResult;
import io.segline.testing.TestCluster;
import io.segline.testing.TestImages;
import io.segline.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records waiting in a micro-batch survive the death of their instance: the buffer is a changelogged store
 * committed with the input offsets. The first `segline run` buffers every capture (the batch never fills and
 * never lingers long enough), commits, and is killed with SIGKILL; its successor restores the buffer and
 * flushes it, and every imageId gets exactly one result.
 */
@Tag("integration")
class BatchBufferCrashIT {
    private static final int IMAGES = 12;

    @TempDir
    Path dir;

    @Test
    void shouldNotLoseBufferedRecordsWhenTheInstanceIsKilled() throws Exception {
        SeglineConfig config = TestCluster.config("batch-crash", Map.of(Keys.BATCH_SIZE, "100", Keys.BATCH_LINGER_MS, "600000",
                Keys.COMMIT_INTERVAL_MS, "500", "session.timeout.ms", "8000", "heartbeat.interval.ms", "2000"));
        Topics topics = Topics.from(config);
        Map<String, byte[]> input = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            String id = "batch-" + i;
            ids.add(id);
            input.put(id, topics.images().valueSerde().serializer().serialize(topics.images().name(),
                    TestImages.inline(id, TestImages.png(i), "caption")));
        }
        TestCluster.produceInterleaved(config, topics.images().name(), input, ids);

        Process first = CrashRecoveryIT.startLine(config, dir.resolve("first.log"));
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (committedInputs(config) < IMAGES && System.nanoTime() < deadline) {
                Thread.sleep(300);
            }
            assertThat(committedInputs(config)).as("inputs consumed and committed; log:%n%s", tail(dir.resolve("first.log")))
                    .isEqualTo(IMAGES);
            assertThat(TestCluster.read(config, topics.masks().name(), 1, Duration.ofMillis(500), "read_uncommitted"))
                    .as("nothing emitted: everything waits in the batch buffer").isEmpty();
        } finally {
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        Process second = CrashRecoveryIT.startLine(config.with(Map.of(Keys.BATCH_LINGER_MS, "500")), dir.resolve("second.log"));
        try {
            List<ConsumerRecord<byte[], byte[]>> results = TestCluster.readCommitted(config, topics.masks().name(), IMAGES, Duration.ofSeconds(120));
            Map<String, Integer> counts = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : results) {
                SegmentationResult result = topics.masks().valueSerde().deserializer().deserialize(topics.masks().name(), r.value());
                counts.merge(result.getImageId(), 1, Integer::sum);
            }
            assertThat(counts.keySet()).as("second log:%n%s", tail(dir.resolve("second.log"))).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(counts.values()).containsOnly(1);
            assertThat(TestCluster.readCommitted(config, topics.deadLetters().name(), 1, Duration.ofSeconds(2))).isEmpty();
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static long committedInputs(SeglineConfig config) throws Exception {
        try (Admin admin = Admin.create(config.clientProperties())) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(config.require(Keys.APPLICATION_ID))
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(config.topic(Keys.TOPIC_IMAGES)))
                    .mapToLong(e -> e.getValue() == null ? 0 : e.getValue().offset()).sum();
        }
    }

    private static String tail(Path log) throws java.io.IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}

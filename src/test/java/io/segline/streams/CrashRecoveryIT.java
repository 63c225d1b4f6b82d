package io.segline.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.records.DeadLetter;
import io.segline.records.SegmentationResult;
import io.segline.testing.TestCluster;
import io.segline.testing.TestImages;
import io.segline.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a crash: a `segline run` process is killed with SIGKILL while its transaction is
 * open, a new one takes over, and every imageId ends with exactly one result or one dead letter.
 */
@Tag("integration")
class CrashRecoveryIT {
    private static final int GOOD = 48;
    private static final int BAD = 6;

    @TempDir
    Path dir;

    @Test
    void shouldGiveEveryImageExactlyOneOutcomeAfterTheInstanceIsKilledMidTransaction() throws Exception {
        // A long commit interval keeps the first transaction open while the process is killed, however long the
        // model takes to load and segment the first records on a busy machine.
        SeglineConfig config = TestCluster.config("crash", Map.of(Keys.COMMIT_INTERVAL_MS, "30000",
                // The killed member's partitions are handed over once its session expires; keep that short.
                "session.timeout.ms", "8000", "heartbeat.interval.ms", "2000"));
        Topics topics = Topics.from(config);
        Map<String, byte[]> input = new LinkedHashMap<>();
        List<String> good = new ArrayList<>();
        for (int i = 0; i < GOOD; i++) {
            String id = "crash-" + i;
            good.add(id);
            input.put(id, topics.images().valueSerde().serializer().serialize(topics.images().name(),
                    TestImages.inline(id, TestImages.png(i), "caption")));
        }
        for (int i = 0; i < BAD; i++) {
            input.put("crash-bad-" + i, TestImages.text());
        }
        LineIT.produceInterleaved(config, topics.images().name(), input, good);

        Process first = startLine(config, dir.resolve("first.log"));
        try {
            // Wait until results are written but not committed, then kill without any chance to clean up. A rebalance
            // (a second stream thread joining, internal topics appearing) commits what is done so far, so the test waits
            // for results beyond the committed ones rather than for none committed at all.
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int uncommitted = 0;
            int committed = 0;
            while (uncommitted < committed + 3 && System.nanoTime() < deadline) {
                committed = TestCluster.read(config, topics.masks().name(), GOOD, Duration.ofMillis(300), "read_committed").size();
                uncommitted = TestCluster.read(config, topics.masks().name(), committed + 3, Duration.ofMillis(500), "read_uncommitted").size();
            }
            assertThat(uncommitted - committed)
                    .as("results written inside the open transaction when the kill lands (%d committed); its log:%n%s", committed,
                            tail(dir.resolve("first.log")))
                    .isGreaterThanOrEqualTo(3);
        } finally {
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        Process second = startLine(config.with(Map.of(Keys.COMMIT_INTERVAL_MS, "500")), dir.resolve("second.log"));
        try {
            List<ConsumerRecord<byte[], byte[]>> results = TestCluster.readCommitted(config, topics.masks().name(), GOOD, Duration.ofSeconds(120));
            List<ConsumerRecord<byte[], byte[]>> letters = TestCluster.readCommitted(config, topics.deadLetters().name(), BAD, Duration.ofSeconds(30));
            Map<String, Integer> outcomes = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : results) {
                SegmentationResult result = topics.masks().valueSerde().deserializer().deserialize(topics.masks().name(), r.value());
                outcomes.merge(result.getImageId(), 1, Integer::sum);
            }
            for (ConsumerRecord<byte[], byte[]> r : letters) {
                DeadLetter letter = topics.deadLetters().valueSerde().deserializer().deserialize(topics.deadLetters().name(), r.value());
                outcomes.merge(letter.getImageId(), 1, Integer::sum);
            }
            assertThat(outcomes.keySet()).containsExactlyInAnyOrderElementsOf(input.keySet());
            assertThat(outcomes.values()).as("outcomes per imageId").containsOnly(1);

            // The records the killed instance had written are still in the log, aborted: visible only uncommitted.
            int everything = TestCluster.read(config, topics.masks().name(), GOOD + 5, Duration.ofSeconds(5), "read_uncommitted").size();
            assertThat(everything).isGreaterThan(GOOD);
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static String tail(Path log) throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    static Process startLine(SeglineConfig config, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "io.segline.Main", "run"));
        config.values().forEach((key, value) -> {
            command.add("--set");
            command.add(key + "=" + value);
        });
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}

package io.segline.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.config.SeglineConfig;
import io.segline.line.StreamsRunner;
import io.segline.records.DeadLetter;
import io.segline.records.ImageCaptured;
import io.segline.records.QualityReport;
import io.segline.records.SampleRecords;
import io.segline.records.SegmentationResult;
import io.segline.serde.AvroSerializer;
import io.segline.serde.RegistryConfig;
import io.segline.serde.SchemaRegistryClients;
import io.segline.testing.TestCluster;
import io.segline.testing.TestImages;
import io.segline.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The line on a real broker and a real registry, exactly-once, results read with read_committed. */
@Tag("integration")
class LineIT {
    @TempDir
    Path dir;

    @Test
    void shouldGiveOneResultPerGoodCaptureAndOneDeadLetterPerBadOne() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("allowed"));
        Path outside = Files.write(dir.resolve("outside.png"), TestImages.png(99));
        SeglineConfig config = TestCluster.config("line", Map.of(SeglineConfig.Keys.CLAIM_CHECK_ROOTS, allowed.toString()));
        Topics topics = Topics.from(config);
        RegistryConfig registry = RegistryConfig.fromMap(config.clientProperties());
        AvroSerializer<io.segline.records.Alert> foreign = new AvroSerializer<>(SchemaRegistryClients.create(registry), registry, false);
        Files.write(allowed.resolve("claimed.png"), TestImages.png(50));

        Map<String, byte[]> input = new LinkedHashMap<>();
        Map<String, String> badReasons = new LinkedHashMap<>();
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = "good-" + i;
            good.add(id);
            input.put(id, topics.images().valueSerde().serializer().serialize(topics.images().name(),
                    TestImages.inline(id, i % 3 == 0 ? TestImages.jpeg(i) : TestImages.png(i), "caption " + i)));
        }
        good.add("claimed");
        input.put("claimed", serialize(topics, TestImages.claimCheck("claimed", allowed.resolve("claimed.png").toUri().toString())));
        bad(input, badReasons, topics, "truncated", TestImages.inline("truncated", TestImages.truncatedPng(1), "c"), "[corrupt-image]");
        bad(input, badReasons, topics, "zero", TestImages.inline("zero", new byte[0], "c"), "[empty-image]");
        bad(input, badReasons, topics, "text", TestImages.inline("text", TestImages.text(), "c"), "[unsupported-format]");
        bad(input, badReasons, topics, "bomb", TestImages.inline("bomb", TestImages.pngClaiming(30000, 30000), "c"), "[pixel-limit]");
        bad(input, badReasons, topics, "gif", TestImages.inline("gif", TestImages.gif(2), "c"), "[unsupported-format]");
        bad(input, badReasons, topics, "long-caption", TestImages.inline("long-caption", TestImages.png(3), "x".repeat(1_000_000)),
                "[caption-too-long]");
        bad(input, badReasons, topics, "missing", TestImages.claimCheck("missing", allowed.resolve("nope.tif").toUri().toString()),
                "[claim-check-missing]");
        bad(input, badReasons, topics, "outside", TestImages.claimCheck("outside", outside.toUri().toString()),
                "[claim-check-outside-roots]");
        // A named pipe inside an allowed root once blocked the stream thread until something wrote to it.
        Path pipe = allowed.resolve("pipe.png");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start().waitFor()).isZero();
        bad(input, badReasons, topics, "fifo", TestImages.claimCheck("fifo", pipe.toUri().toString()), "[claim-check-not-regular-file]");
        input.put("foreign", foreign.serialize(config.topic(SeglineConfig.Keys.TOPIC_PREFIX) + "alerts", SampleRecords.alert()));
        badReasons.put("foreign", "cannot be read as io.segline.records.ImageCaptured");
        input.put("not-avro", "{\"imageId\":\"not-avro\"}".getBytes(StandardCharsets.UTF_8));
        badReasons.put("not-avro", "magic byte");

        try (StreamsRunner line = new StreamsRunner(config)) {
            line.start();
            produceInterleaved(config, topics.images().name(), input, good);

            List<ConsumerRecord<byte[], byte[]>> masks = TestCluster.readCommitted(config, topics.masks().name(), good.size(), Duration.ofSeconds(90));
            List<ConsumerRecord<byte[], byte[]>> reports = TestCluster.readCommitted(config, topics.quality().name(), good.size(), Duration.ofSeconds(30));
            List<ConsumerRecord<byte[], byte[]>> letters = TestCluster.readCommitted(config, topics.deadLetters().name(), badReasons.size(), Duration.ofSeconds(30));

            assertThat(masks.stream().map(r -> decode(topics.masks().valueSerde().deserializer(), topics.masks().name(), r))
                    .map(SegmentationResult::getImageId)).containsExactlyInAnyOrderElementsOf(good);
            assertThat(reports.stream().map(r -> decode(topics.quality().valueSerde().deserializer(), topics.quality().name(), r))
                    .map(QualityReport::getImageId)).containsExactlyInAnyOrderElementsOf(good);
            Map<String, DeadLetter> byId = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : letters) {
                DeadLetter letter = decode(topics.deadLetters().valueSerde().deserializer(), topics.deadLetters().name(), record);
                assertThat(byId.put(letter.getImageId(), letter)).as("second dead letter for %s", letter.getImageId()).isNull();
            }
            assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(badReasons.keySet());
            badReasons.forEach((id, reason) -> assertThat(byId.get(id).getMessage()).as(id).contains(reason));
            assertThat(byId.get("not-avro").getStage()).isEqualTo("deserialize");
            assertThat(byId.get("foreign").getStage()).isEqualTo("deserialize");
        }
    }

    private static <T> T decode(org.apache.kafka.common.serialization.Deserializer<T> deserializer, String topic,
            ConsumerRecord<byte[], byte[]> record) {
        return deserializer.deserialize(topic, record.value());
    }

    private static byte[] serialize(Topics topics, ImageCaptured capture) {
        return topics.images().valueSerde().serializer().serialize(topics.images().name(), capture);
    }

    private static void bad(Map<String, byte[]> input, Map<String, String> reasons, Topics topics, String id, ImageCaptured capture,
            String reason) {
        input.put(id, serialize(topics, capture));
        reasons.put(id, reason);
    }

    /** Sends bad records between good ones (see {@link TestCluster#produceInterleaved}). */
    static void produceInterleaved(SeglineConfig config, String topic, Map<String, byte[]> input, List<String> good) {
        TestCluster.produceInterleaved(config, topic, input, good);
    }
}

package io.segline.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.line.StreamsRunner;
import io.segline.records.DeadLetter;
import io.segline.records.ImageCaptured;
import io.segline.records.SegmentationResult;
import io.segline.testing.TestCluster;
import io.segline.testing.TestImages;
import io.segline.topics.Topics;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three records that once stopped the line for good (KAFKA-19479 class): each built a dead letter
 * larger than the producer allows, the production handler answered FAIL and the partition stuck.
 */
@Tag("integration")
class OversizedRecordIT {
    @TempDir
    Path dir;

    @Test
    void shouldDeadLetterRecordsLargerThanAnyLimitAndKeepSegmentingThePartitionBehindThem() throws Exception {
        Path letters = dir.resolve("dead-letters");
        SeglineConfig config = TestCluster.config("oversized", Map.of(Keys.SEGMENTER, "baseline",
                Keys.DLQ_CLAIM_CHECK_DIR, letters.toString()));
        Topics topics = Topics.from(config);
        String images = topics.images().name();
        int topicLimit = config.getInt(Keys.MAX_RECORD_BYTES) + Topics.ENVELOPE_BYTES;

        byte[] longCaption = serialize(topics, TestImages.inline("long-caption", TestImages.png(1), "om mani padme hum ".repeat(1_700_000)));
        byte[] padded = Arrays.copyOf(TestImages.png(2), 20 * 1024 * 1024);
        byte[] bigImage = serialize(topics, TestImages.inline("big-image", padded, "a twenty megabyte inline image"));
        byte[] noise = new byte[topicLimit - 4096];
        new Random(5).nextBytes(noise);
        byte[] nearLimit = serialize(topics, TestImages.inline("near-limit", noise, "incompressible, just under max.message.bytes"));
        assertThat(longCaption.length).isGreaterThan(30_000_000);
        assertThat(nearLimit.length).isLessThan(topicLimit).isGreaterThan(config.getInt(Keys.MAX_RECORD_BYTES));

        try (StreamsRunner line = new StreamsRunner(config)) {
            line.start();
            // One partition, so every good capture waits behind a bad one.
            send(config, images, "zstd", List.of(record(images, "long-caption", longCaption), good(topics, "good-1"),
                    record(images, "big-image", bigImage), good(topics, "good-2")));
            send(config, images, "none", List.of(record(images, "near-limit", nearLimit), good(topics, "good-3")));

            List<ConsumerRecord<byte[], byte[]>> masks = TestCluster.readCommitted(config, topics.masks().name(), 3, Duration.ofSeconds(120));
            List<ConsumerRecord<byte[], byte[]>> dead = TestCluster.readCommitted(config, topics.deadLetters().name(), 3, Duration.ofSeconds(30));

            assertThat(line.state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
            assertThat(masks.stream().map(r -> topics.masks().valueSerde().deserializer().deserialize(topics.masks().name(), r.value()))
                    .map(SegmentationResult::getImageId)).containsExactlyInAnyOrder("good-1", "good-2", "good-3");
            Map<String, DeadLetter> byId = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                assertThat(r.serializedValueSize()).as("a dead letter's size").isLessThan(2 * 1024 * 1024);
                DeadLetter letter = topics.deadLetters().valueSerde().deserializer().deserialize(topics.deadLetters().name(), r.value());
                assertThat(byId.put(letter.getImageId(), letter)).as("second dead letter for %s", letter.getImageId()).isNull();
            }
            assertThat(byId).containsOnlyKeys("long-caption", "big-image", "near-limit");
            Map<String, byte[]> originals = Map.of("long-caption", longCaption, "big-image", bigImage, "near-limit", nearLimit);
            originals.forEach((id, original) -> {
                DeadLetter letter = byId.get(id);
                assertThat(letter.getStage()).as(id).isEqualTo("deserialize");
                assertThat(letter.getMessage()).as(id).contains("[record-too-large]").contains("[original-too-large]");
                assertThat(letter.getOriginalValueTruncated()).as(id).isTrue();
                assertThat(letter.getOriginalValueLength()).as(id).isEqualTo(original.length);
                assertThat(letter.getOriginalValueSha256()).as(id).isEqualTo(sha256(original));
                ByteBuffer prefix = letter.getOriginalValue();
                byte[] kept = new byte[prefix.remaining()];
                prefix.get(kept);
                assertThat(kept).as(id).isEqualTo(Arrays.copyOf(original, kept.length));
                try {
                    assertThat(Files.readAllBytes(Path.of(URI.create(letter.getOriginalValueLocation())))).as(id).isEqualTo(original);
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] serialize(Topics topics, ImageCaptured capture) {
        return topics.images().valueSerde().serializer().serialize(topics.images().name(), capture);
    }

    private static ProducerRecord<String, byte[]> record(String topic, String id, byte[] value) {
        return new ProducerRecord<>(topic, 0, id, value);
    }

    private static ProducerRecord<String, byte[]> good(Topics topics, String id) {
        return record(topics.images().name(), id, serialize(topics, TestImages.inline(id, TestImages.png(id.hashCode()), "a good capture")));
    }

    private static void send(SeglineConfig config, String topic, String compression, List<ProducerRecord<String, byte[]>> records) {
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 1);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<String, byte[]> r : records) {
                producer.send(r);
                producer.flush();
            }
        }
    }
}

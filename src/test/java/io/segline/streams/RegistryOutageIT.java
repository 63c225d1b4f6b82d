package io.segline.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.line.StreamsRunner;
import io.segline.records.ImageCaptured;
import io.segline.records.SegmentationResult;
import io.segline.serde.ApicurioRegistry;
import io.segline.serde.GenericAvroSerde;
import io.segline.serde.RegistryConfig;
import io.segline.testing.TestCluster;
import io.segline.testing.TestImages;
import io.segline.testing.TestSchemas;
import io.segline.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry stops in the middle of a run and comes back: the line pauses instead of
 * dead-lettering good captures, and once the registry answers again every capture ends in exactly one
 * result.
 */
@Tag("integration")
class RegistryOutageIT {
    private static final int BEFORE = 4;
    private static final int DURING = 6;

    @TempDir
    Path dir;

    @Test
    void shouldPauseWhileTheRegistryIsDownAndDeliverEveryCaptureOnceAfterItReturns() throws Exception {
        ApicurioRegistry registry = ApicurioRegistry.startPersistent(dir.resolve("registry-storage"));
        try {
            SeglineConfig config = TestCluster.config("outage", Map.of(Keys.SEGMENTER, "baseline",
                    SeglineConfig.SCHEMA_REGISTRY_URL, registry.url()));
            Topics topics = Topics.from(config);
            String images = topics.images().name();

            List<ProducerRecord<String, byte[]>> before = new ArrayList<>();
            for (int i = 0; i < BEFORE; i++) {
                before.add(new ProducerRecord<>(images, "before-" + i, topics.images().valueSerde().serializer()
                        .serialize(images, TestImages.inline("before-" + i, TestImages.png(i), "a capture before the outage"))));
            }
            // Captures a newer producer writes with the next version of the schema: the line has never seen its
            // id, so it must ask the registry, which will be down by then. Registered while the registry is up.
            List<ProducerRecord<String, byte[]>> during = duringTheOutage(config, images);

            try (StreamsRunner line = new StreamsRunner(config)) {
                line.start();
                send(config, before);
                assertThat(masks(config, topics, BEFORE, Duration.ofSeconds(90))).hasSize(BEFORE);

                registry.close();
                send(config, during);
                Thread.sleep(Duration.ofSeconds(15).toMillis());
                assertThat(TestCluster.readCommitted(config, topics.deadLetters().name(), 1, Duration.ofSeconds(3)))
                        .as("dead letters while the registry is down").isEmpty();
                assertThat(masks(config, topics, BEFORE + 1, Duration.ofSeconds(3)))
                        .as("no capture of the new schema can be read while the registry is down").hasSize(BEFORE);

                registry = registry.restart(Duration.ofMinutes(2));
                List<String> ids = masks(config, topics, BEFORE + DURING, Duration.ofSeconds(120));
                assertThat(ids).as("every capture exactly once").hasSize(BEFORE + DURING).doesNotHaveDuplicates();
                assertThat(ids).filteredOn(id -> id.startsWith("during-")).hasSize(DURING);
                assertThat(TestCluster.readCommitted(config, topics.deadLetters().name(), 1, Duration.ofSeconds(3))).isEmpty();
                assertThat(line.state()).isEqualTo(KafkaStreams.State.RUNNING);
            }
        } finally {
            registry.close();
        }
    }

    private List<ProducerRecord<String, byte[]>> duringTheOutage(SeglineConfig config, String images) throws IOException {
        Schema v1 = ImageCaptured.getClassSchema();
        Schema v2 = TestSchemas.withAddedField(v1, TestSchemas.OPERATOR_WITH_DEFAULT);
        GenericAvroSerde newer = new GenericAvroSerde();
        newer.configure(Map.of(RegistryConfig.URL, config.clientProperties().get(SeglineConfig.SCHEMA_REGISTRY_URL)), false);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < DURING; i++) {
            String id = "during-" + i;
            GenericRecord capture = asVersion(TestImages.inline(id, TestImages.png(100 + i), "a capture during the outage"), v2);
            capture.put("operator", "night shift");
            records.add(new ProducerRecord<>(images, id, newer.serializer().serialize(images, capture)));
        }
        return records;
    }

    private static GenericRecord asVersion(ImageCaptured capture, Schema schema) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(ImageCaptured.class).write(capture, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(ImageCaptured.getClassSchema(), schema)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }

    private static List<String> masks(SeglineConfig config, Topics topics, int expected, Duration timeout) {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TestCluster.readCommitted(config, topics.masks().name(), expected, timeout)) {
            SegmentationResult result = topics.masks().valueSerde().deserializer().deserialize(topics.masks().name(), r.value());
            ids.add(result.getImageId());
        }
        return ids;
    }

    private static void send(SeglineConfig config, List<ProducerRecord<String, byte[]>> records) {
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }
}

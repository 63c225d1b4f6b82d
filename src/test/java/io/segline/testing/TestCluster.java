package io.segline.testing;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.serde.ApicurioRegistry;
import io.segline.streams.EmbeddedKafka;
import io.segline.topics.TopicAdmin;
import io.segline.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One embedded Kafka broker and one real schema registry per test JVM, started on first use and
 * stopped when the JVM exits. Each test isolates itself with its own topic prefix and application id.
 */
public final class TestCluster {
    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registry;

    private TestCluster() {
    }

    public static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start(16 * 1024 * 1024);
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        }
        return kafka;
    }

    public static synchronized ApicurioRegistry registry() {
        if (registry == null || !registry.isAlive()) {
            registry = ApicurioRegistry.start();
        }
        return registry;
    }

    /** A configuration on the shared cluster with its own topics and application id. */
    public static SeglineConfig config(String name, Map<String, String> extra) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        String unique = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        values.put(SeglineConfig.BOOTSTRAP_SERVERS, kafka().bootstrapServers());
        values.put(SeglineConfig.SCHEMA_REGISTRY_URL, registry().url());
        values.put(Keys.APPLICATION_ID, unique);
        values.put(Keys.TOPIC_PREFIX, unique + ".");
        values.put(Keys.COMMIT_INTERVAL_MS, "300");
        // Child processes running `segline run` must not fight over the default HTTP port.
        values.put(Keys.HTTP_PORT, "-1");
        values.put("state.dir", Files.createTempDirectory("segline-it-state-").toString());
        values.putAll(extra);
        SeglineConfig config = SeglineConfig.of(values);
        TopicAdmin.createTopics(config, 2, (short) 1);
        return config;
    }

    /** Every committed record of a topic, read until {@code expected} have arrived or the timeout passes. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(SeglineConfig config, String topic, int expected,
            Duration timeout) {
        return read(config, topic, expected, timeout, "read_committed");
    }

    public static List<ConsumerRecord<byte[], byte[]>> read(SeglineConfig config, String topic, int expected,
            Duration timeout, String isolation) {
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // A short extra look catches records beyond the expected count (duplicates).
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    public static Topics topics(SeglineConfig config) {
        return Topics.from(config);
    }

    public static Path tempDir(String prefix) throws Exception {
        return Files.createTempDirectory(prefix);
    }

    /** Sends bad records between good ones, in the order given, alternating. */
    public static void produceInterleaved(SeglineConfig config, String topic, Map<String, byte[]> input, List<String> good) {
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        List<String> goodIds = new ArrayList<>(good);
        List<String> badIds = input.keySet().stream().filter(id -> !good.contains(id)).toList();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            int g = 0;
            for (String badId : badIds) {
                if (g < goodIds.size()) {
                    producer.send(new ProducerRecord<>(topic, goodIds.get(g), input.get(goodIds.get(g++))));
                }
                producer.send(new ProducerRecord<>(topic, badId, input.get(badId)));
            }
            while (g < goodIds.size()) {
                producer.send(new ProducerRecord<>(topic, goodIds.get(g), input.get(goodIds.get(g++))));
            }
            producer.flush();
        }
    }
}

package io.segline.streams.internals;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.records.DeadLetter;
import io.segline.serde.AvroSerializer;
import io.segline.serde.RegistryConfig;
import io.segline.serde.SchemaRegistryClients;
import io.segline.validate.ValidationException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Builds the {@link DeadLetter} record for a failed input: the original key and value bytes, where it
 * came from, the stage, the error class and a message a person can act on, serialized for the
 * dead-letter topic. Used by the three exception handlers so that every failure looks the same.
 */
public final class DeadLetterRecords {
    private final String topic;
    private final AvroSerializer<DeadLetter> serializer;

    public DeadLetterRecords(String topic, AvroSerializer<DeadLetter> serializer) {
        this.topic = topic;
        this.serializer = serializer;
    }

    /** From the Kafka Streams configuration the handlers receive: segline's topic keys and the registry settings. */
    public static DeadLetterRecords fromConfig(Map<String, ?> configs) {
        Map<String, String> strings = new LinkedHashMap<>();
        configs.forEach((k, v) -> {
            if (v != null) {
                strings.put(k, v instanceof org.apache.kafka.common.config.types.Password p ? p.value() : v.toString());
            }
        });
        SeglineConfig config = SeglineConfig.of(strings);
        RegistryConfig registry = RegistryConfig.fromMap(config.clientProperties());
        return new DeadLetterRecords(config.topic(Keys.TOPIC_DLQ),
                new AvroSerializer<>(SchemaRegistryClients.create(registry), registry, false));
    }

    public String topic() {
        return topic;
    }

    /** The dead-letter record for one failed input. */
    public ProducerRecord<byte[], byte[]> record(byte[] key, byte[] value, String sourceTopic, int partition, long offset,
            long timestamp, String stage, Throwable error) {
        DeadLetter letter = letter(key, value, sourceTopic, partition, offset, stage, error);
        // The input's timestamp, so that the dead letter falls into the same line-health window as its input.
        return new ProducerRecord<>(topic, null, timestamp >= 0 ? timestamp : null, key, serializer.serialize(topic, letter));
    }

    /** The dead letter of one failed input, counted in {@code segline_dead_letters_total}. */
    public static DeadLetter letter(byte[] key, byte[] value, String sourceTopic, int partition, long offset, String stage,
            Throwable error) {
        io.micrometer.core.instrument.Metrics.counter("segline.dead.letters", "stage", stage).increment();
        return DeadLetter.newBuilder()
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setSourceTopic(sourceTopic == null ? "" : sourceTopic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setImageId(key == null ? null : new String(key, StandardCharsets.UTF_8))
                .setStage(stage)
                .setErrorClass(error.getClass().getName())
                .setMessage(message(stage, error))
                .setFailedAt(Instant.now())
                .build();
    }

    static String message(String stage, Throwable error) {
        if (error instanceof ValidationException validation) {
            return "[" + validation.reason() + "] " + validation.getMessage();
        }
        String detail = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        if (error instanceof org.apache.kafka.common.errors.SerializationException) {
            return detail;
        }
        return "Stage '" + stage + "' failed on this record (" + error.getClass().getSimpleName() + ": " + detail
                + "). The record's bytes are kept here; fix the cause and re-produce it.";
    }
}

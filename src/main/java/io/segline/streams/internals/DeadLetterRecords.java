package io.segline.streams.internals;

import io.opentelemetry.context.Context;
import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.records.DeadLetter;
import io.segline.serde.AvroSerializer;
import io.segline.serde.RegistryConfig;
import io.segline.serde.SchemaRegistryClients;
import io.segline.tracing.Tracing;
import io.segline.validate.ValidationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link DeadLetter} record for a failed input: the original key and value bytes, where it
 * came from, the stage, the error class and a message a person can act on, serialized for the
 * dead-letter topic. Used by the three exception handlers so that every failure looks the same.
 *
 * <p>A dead letter always fits the producer's and the topic's limits, whatever the size of its input
 * (KAFKA-19479: a letter too large to send would stop the line on that record for good). Above
 * {@link Bounds#maxOriginalBytes()} the letter carries a prefix of the original value, its length and its
 * SHA-256, and the whole value is written to the dead-letter folder when one is configured (a claim
 * check, named by the hash); keys and messages are cut to a prefix too.
 */
public final class DeadLetterRecords {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterRecords.class);
    /** Longest key a letter carries whole; longer keys are cut (real keys are image ids). */
    static final int MAX_KEY_BYTES = 1024;
    /** Longest message a letter carries. */
    static final int MAX_MESSAGE_CHARS = 4000;

    /**
     * How much of a failed record a dead letter may carry.
     *
     * @param maxOriginalBytes largest original value carried whole; above it, a prefix of this many bytes
     * @param claimCheckDir    folder for whole originals that do not fit, or null to keep only the hash
     */
    public record Bounds(int maxOriginalBytes, Path claimCheckDir) {
        public static final int DEFAULT_MAX_ORIGINAL_BYTES = 1024 * 1024;

        public Bounds {
            if (maxOriginalBytes < 1024) {
                throw new IllegalArgumentException(Keys.DLQ_MAX_ORIGINAL_BYTES + " must be at least 1024, not " + maxOriginalBytes);
            }
        }

        /** The bounds a configuration sets ({@code segline.dlq.max.original.bytes}, {@code segline.dlq.claim.check.dir}). */
        public static Bounds from(SeglineConfig config) {
            String max = config.get(Keys.DLQ_MAX_ORIGINAL_BYTES);
            String dir = config.get(Keys.DLQ_CLAIM_CHECK_DIR);
            return new Bounds(max == null || max.isBlank() ? DEFAULT_MAX_ORIGINAL_BYTES : Integer.parseInt(max.trim()),
                    dir == null || dir.isBlank() ? null : Path.of(dir.trim()));
        }

        public static Bounds defaults() {
            return new Bounds(DEFAULT_MAX_ORIGINAL_BYTES, null);
        }
    }

    private final String topic;
    private final AvroSerializer<DeadLetter> serializer;
    private final Bounds bounds;

    public DeadLetterRecords(String topic, AvroSerializer<DeadLetter> serializer, Bounds bounds) {
        this.topic = topic;
        this.serializer = serializer;
        this.bounds = bounds;
    }

    /** From the Kafka Streams configuration the handlers receive: segline's topic keys and the registry settings. */
    public static DeadLetterRecords fromConfig(Map<String, ?> configs) {
        SeglineConfig config = SeglineConfig.of(strings(configs));
        RegistryConfig registry = RegistryConfig.fromMap(config.clientProperties());
        return new DeadLetterRecords(config.topic(Keys.TOPIC_DLQ), new AvroSerializer<>(SchemaRegistryClients.create(registry), registry, false),
                Bounds.from(config));
    }

    /** The letter bounds of a Kafka Streams configuration (a processor's {@code appConfigs()}). */
    public static Bounds fromAppConfigs(Map<String, ?> configs) {
        return Bounds.from(SeglineConfig.of(strings(configs)));
    }

    private static Map<String, String> strings(Map<String, ?> configs) {
        Map<String, String> strings = new LinkedHashMap<>();
        configs.forEach((k, v) -> {
            if (v != null) {
                strings.put(k, v instanceof org.apache.kafka.common.config.types.Password p ? p.value() : v.toString());
            }
        });
        return strings;
    }

    public String topic() {
        return topic;
    }

    public Bounds bounds() {
        return bounds;
    }

    /**
     * The dead-letter record for one failed input. {@code headers} are the input's: its trace goes on with
     * the letter (header and {@code traceId}); null when there are none.
     */
    public ProducerRecord<byte[], byte[]> record(byte[] key, byte[] value, String sourceTopic, int partition, long offset,
            long timestamp, String stage, Throwable error, Headers headers) {
        DeadLetter letter = letter(key, value, sourceTopic, partition, offset, stage, error, bounds);
        return send(letter, key, timestamp, headers);
    }

    private ProducerRecord<byte[], byte[]> send(DeadLetter letter, byte[] key, long timestamp, Headers headers) {
        Context trace = Tracing.extract(headers);
        letter.put("traceId", Tracing.traceId(trace)); // the generated records have no setters
        Headers out = new RecordHeaders();
        Tracing.inject(trace, out);
        byte[] keyBytes = key == null || key.length <= MAX_KEY_BYTES ? key : Arrays.copyOf(key, MAX_KEY_BYTES);
        // The input's timestamp, so that the dead letter falls into the same line-health window as its input.
        return new ProducerRecord<>(topic, null, timestamp >= 0 ? timestamp : null, keyBytes, serializer.serialize(topic, letter), out);
    }

    /**
     * The smallest letter for an input whose full letter could not be sent: no original bytes, only their
     * lengths and hashes. It cannot exceed any limit.
     */
    public ProducerRecord<byte[], byte[]> minimalRecord(byte[] key, byte[] value, String sourceTopic, int partition, long offset,
            long timestamp, String stage, Throwable error, Headers headers) {
        DeadLetter letter = DeadLetter.newBuilder(letter(key, value, sourceTopic, partition, offset, stage, error, new Bounds(1024, null)))
                .setOriginalValue(null).setOriginalKey(null).build();
        return send(letter, key, timestamp, headers);
    }

    /** The dead letter of one failed input, within {@code bounds}; counted in {@code segline_dead_letters_total}. */
    public static DeadLetter letter(byte[] key, byte[] value, String sourceTopic, int partition, long offset, String stage,
            Throwable error, Bounds bounds) {
        io.micrometer.core.instrument.Metrics.counter("segline.dead.letters", "stage", stage).increment();
        boolean keyCut = key != null && key.length > MAX_KEY_BYTES;
        byte[] keyKept = keyCut ? Arrays.copyOf(key, MAX_KEY_BYTES) : key;
        boolean valueCut = value != null && value.length > bounds.maxOriginalBytes();
        String hash = value == null ? null : sha256(value);
        String location = valueCut ? claimCheck(value, hash, bounds.claimCheckDir()) : null;
        String message = message(stage, error);
        if (valueCut) {
            message = "[original-too-large] The record's value has " + value.length + " bytes, more than a dead letter carries ("
                    + bounds.maxOriginalBytes() + "): this letter keeps its first " + bounds.maxOriginalBytes() + " bytes and its SHA-256"
                    + (location != null ? "; the whole value is at " + location : "; set " + Keys.DLQ_CLAIM_CHECK_DIR
                    + " to keep whole values") + ". " + message;
        }
        if (message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, MAX_MESSAGE_CHARS) + "…";
        }
        return DeadLetter.newBuilder()
                .setOriginalKey(keyKept == null ? null : ByteBuffer.wrap(keyKept))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value, 0, valueCut ? bounds.maxOriginalBytes() : value.length).slice())
                .setOriginalValueLength(value == null ? -1 : value.length)
                .setOriginalValueSha256(hash)
                .setOriginalValueTruncated(valueCut)
                .setOriginalValueLocation(location)
                .setOriginalKeyLength(key == null ? -1 : key.length)
                .setOriginalKeyTruncated(keyCut)
                .setSourceTopic(sourceTopic == null ? "" : sourceTopic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setImageId(keyKept == null ? null : new String(keyKept, StandardCharsets.UTF_8))
                .setStage(stage)
                .setErrorClass(error.getClass().getName())
                .setMessage(message)
                .setFailedAt(Instant.now())
                .build();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Writes the whole value to {@code dir}/{@code <sha256>.bin} (atomically; an existing file of that name
     * already holds these bytes) and returns its URI, or null without a folder or when writing fails (the
     * letter then says so through a null location; the line goes on).
     */
    static String claimCheck(byte[] value, String hash, Path dir) {
        if (dir == null) {
            return null;
        }
        Path target = dir.resolve(hash + ".bin");
        try {
            Files.createDirectories(dir);
            if (!Files.exists(target)) {
                Path tmp = Files.createTempFile(dir, hash, ".tmp");
                Files.write(tmp, value);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return target.toUri().toString();
        } catch (IOException | RuntimeException e) {
            log.error("Cannot write the original of a dead letter to {}: {}; the letter keeps only a prefix and the hash", dir,
                    e.getMessage());
            return null;
        }
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

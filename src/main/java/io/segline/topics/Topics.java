package io.segline.topics;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.records.Alert;
import io.segline.records.DeadLetter;
import io.segline.records.ImageCaptured;
import io.segline.records.LineHealth;
import io.segline.records.QualityReport;
import io.segline.records.ReviewRequest;
import io.segline.records.SegmentationResult;
import io.segline.serde.RegistryConfig;
import io.segline.serde.SchemaRegistryClient;
import io.segline.serde.SchemaRegistryClients;
import io.segline.serde.SpecificAvroSerde;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The line's topics. Keys are UTF-8 strings (imageId); values are Avro in the Confluent wire format,
 * all served by one registry client.
 */
public record Topics(
        Topic<String, ImageCaptured> images,
        Topic<String, SegmentationResult> masks,
        Topic<String, QualityReport> quality,
        Topic<byte[], DeadLetter> deadLetters,
        Topic<String, LineHealth> lineHealth,
        Topic<String, Alert> alerts,
        Topic<String, ReviewRequest> review) {

    /** Room for the record envelope around the largest payload (dead letters carry the original record). */
    public static final int ENVELOPE_BYTES = 1024 * 1024;

    /** Topics named by the configuration, with serdes on the configured registry. */
    public static Topics from(SeglineConfig config) {
        RegistryConfig registry = RegistryConfig.fromMap(config.clientProperties());
        return from(config, SchemaRegistryClients.create(registry), registry);
    }

    /** Topics named by the configuration, with serdes on the given registry client. */
    public static Topics from(SeglineConfig config, SchemaRegistryClient client, RegistryConfig registry) {
        return new Topics(
                // Captures are measured as they arrive, decompressed, before any decoding.
                new Topic<>(config.topic(Keys.TOPIC_IMAGES), Serdes.String(),
                        serde(ImageCaptured.class, client, registry).withMaxBytes(config.getLong(Keys.MAX_RECORD_BYTES))),
                new Topic<>(config.topic(Keys.TOPIC_MASKS), Serdes.String(), serde(SegmentationResult.class, client, registry)),
                new Topic<>(config.topic(Keys.TOPIC_QUALITY), Serdes.String(), serde(QualityReport.class, client, registry)),
                new Topic<>(config.topic(Keys.TOPIC_DLQ), Serdes.ByteArray(), serde(DeadLetter.class, client, registry)),
                new Topic<>(config.topic(Keys.TOPIC_LINE_HEALTH), Serdes.String(), serde(LineHealth.class, client, registry)),
                new Topic<>(config.topic(Keys.TOPIC_ALERTS), Serdes.String(), serde(Alert.class, client, registry)),
                new Topic<>(config.topic(Keys.TOPIC_REVIEW), Serdes.String(), serde(ReviewRequest.class, client, registry)));
    }

    private static <T extends SpecificRecord> SpecificAvroSerde<T> serde(Class<T> type, SchemaRegistryClient client,
            RegistryConfig registry) {
        return new SpecificAvroSerde<>(type, client, registry, false);
    }

    public List<String> names() {
        return List.of(images.name(), masks.name(), quality.name(), deadLetters.name(), lineHealth.name(), alerts.name(), review.name());
    }
}

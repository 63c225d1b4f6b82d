package io.segline.monitor;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.records.DeadLetter;
import io.segline.records.ImageCaptured;
import io.segline.records.LineHealth;
import io.segline.records.QualityReport;
import io.segline.serde.ByteBuffers;
import io.segline.topics.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The monitor part of the topology: results and dead letters are counted per line in tumbling windows
 * (event time, with grace for late records), each closed window goes to the line-health topic and
 * through the {@link AlertProcessor} to the alerts topic; the {@link ReviewSampler} picks captures for a
 * person to check and sends them to the review topic.
 */
public final class MonitorTopology {
    public static final String HEALTH_STORE = "line-health-store";

    /** Window size, grace, and the alert rules. */
    public record Settings(Duration window, Duration grace, AlertSettings alerts, ReviewSampler review, Duration imageRetention) {
        public static Settings from(SeglineConfig config) {
            return new Settings(Duration.ofMillis(config.getLong(Keys.HEALTH_WINDOW_MS)),
                    Duration.ofMillis(config.getLong(Keys.HEALTH_GRACE_MS)), AlertSettings.from(config), ReviewSampler.from(config),
                    Duration.ofHours(config.getLong(Keys.HTTP_IMAGE_RETENTION_HOURS)));
        }
    }

    private MonitorTopology() {
    }

    /** Adds the monitor to {@code builder}, fed by the quality reports of the line. */
    public static void addTo(StreamsBuilder builder, KStream<String, QualityReport> reports, Topics topics, Settings settings) {
        reports.mapValues(settings.review()::review, Named.as("review-sampling"))
                .filter((imageId, request) -> request != null, Named.as("review-selected"))
                .to(topics.review().name(), Produced.with(topics.review().keySerde(), topics.review().valueSerde()).withName("review-sink"));
        KStream<String, HealthEvent> results = reports.map((imageId, report) -> KeyValue.pair(report.getLineId(), fromReport(report)),
                Named.as("health-event-from-report"));
        KStream<String, HealthEvent> deadLetters = builder
                .stream(topics.deadLetters().name(), Consumed.with(topics.deadLetters().keySerde(), topics.deadLetters().valueSerde())
                        .withName("dead-letters-source"))
                .map((key, letter) -> {
                    String line = lineOf(letter, topics);
                    return KeyValue.pair(line, new HealthEvent(line, true, null, 0, null, Map.of(), Map.of()));
                }, Named.as("health-event-from-dead-letter"));
        // Repartitioned by line (the same internal topic the grouping used before), then traced: the instance that
        // counts a capture for its line may be another than the one that segmented it, and its span joins the trace.
        KStream<String, LineHealth> windows = results.merge(deadLetters, Named.as("health-events"))
                .repartition(Repartitioned.with(Serdes.String(), new JsonSerde<>(HealthEvent.class)).withName("line-health-events"))
                .processValues(HealthTrace::new, Named.as("health-trace"))
                .groupByKey(Grouped.with("line-health-events", Serdes.String(), new JsonSerde<>(HealthEvent.class)))
                .windowedBy(TimeWindows.ofSizeAndGrace(settings.window(), settings.grace()))
                .aggregate(HealthAggregate::new, (line, event, aggregate) -> aggregate.add(event), Named.as("line-health-aggregate"),
                        Materialized.<String, HealthAggregate, WindowStore<Bytes, byte[]>>as(HEALTH_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(new JsonSerde<>(HealthAggregate.class)))
                .suppress(Suppressed.<org.apache.kafka.streams.kstream.Windowed<String>>untilWindowCloses(
                        Suppressed.BufferConfig.unbounded()).withName("line-health-final"))
                .toStream(Named.as("line-health-windows"))
                .map((window, aggregate) -> KeyValue.pair(window.key(),
                        aggregate.toRecord(window.key(), window.window().startTime(), window.window().endTime())), Named.as("to-line-health"));
        windows.to(topics.lineHealth().name(), Produced.with(topics.lineHealth().keySerde(), topics.lineHealth().valueSerde())
                .withName("line-health-sink"));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AlertProcessor.STORE), Serdes.String(),
                new JsonSerde<>(LineState.class)));
        windows.process(() -> new AlertProcessor(settings.alerts()), Named.as("alerts"), AlertProcessor.STORE)
                .to(topics.alerts().name(), Produced.with(topics.alerts().keySerde(), topics.alerts().valueSerde()).withName("alerts-sink"));
    }

    static HealthEvent fromReport(QualityReport report) {
        Map<String, Double> qc = report.getCaptureQc() == null ? new LinkedHashMap<>()
                : io.segline.quality.CaptureQcMeter.values(report.getCaptureQc());
        return new HealthEvent(report.getLineId(), false, report.getVerdict().name(), report.getSegmentationConfidence(),
                report.getLatencyMs(), report.getClassAreaFractions(), qc);
    }

    /** The line of a dead letter's capture when its bytes can still be read; "unknown" otherwise. */
    static String lineOf(DeadLetter letter, Topics topics) {
        if (letter.getOriginalValue() == null) {
            return "unknown";
        }
        try {
            ImageCaptured capture = topics.images().valueSerde().deserializer().deserialize(letter.getSourceTopic(),
                    ByteBuffers.toArray(letter.getOriginalValue()));
            return capture == null || capture.getLineId().isBlank() ? "unknown" : capture.getLineId();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}

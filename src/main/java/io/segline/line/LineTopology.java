package io.segline.line;

import io.segline.config.SeglineConfig;
import io.segline.monitor.ImageIndexProcessor;
import io.segline.monitor.ImageSummary;
import io.segline.monitor.JsonSerde;
import io.segline.monitor.MonitorTopology;
import io.segline.records.QualityReport;
import io.segline.records.SegmentationResult;
import io.segline.streams.SeglineTopology;
import io.segline.streams.SeglineTopology.Stages;
import io.segline.streams.internals.InFlight;
import io.segline.topics.Topics;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The whole line as one topology: the segmenting part ({@link SeglineTopology}) and the monitor built on
 * its outputs (line health, alerts, review, the dashboard's image index). The two parts know nothing of
 * each other; this class puts them together.
 */
public final class LineTopology {
    private LineTopology() {
    }

    /** The topology for the configured stages. Pure: no I/O. */
    public static Topology build(Topics topics, SeglineConfig config) {
        return build(topics, Stages.from(config), MonitorTopology.Settings.from(config));
    }

    /** The topology with the given stages (tests swap stages here). */
    public static Topology build(Topics topics, Stages stages, MonitorTopology.Settings monitor) {
        StreamsBuilder builder = SeglineTopology.newBuilder();
        SeglineTopology.Outputs line = SeglineTopology.addTo(builder, topics, stages);
        MonitorTopology.addTo(builder, line.reports(), topics, monitor);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ImageIndexProcessor.IMAGES_STORE),
                Serdes.String(), new JsonSerde<>(ImageSummary.class)).withLoggingEnabled(SeglineTopology.SHORT_CHANGELOG));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ImageIndexProcessor.LATEST_STORE),
                Serdes.String(), new JsonSerde<>(ImageIndexProcessor.LatestImages.class)).withLoggingEnabled(SeglineTopology.SHORT_CHANGELOG));
        // The dashboard's image index keeps a day of summaries (with thumbnails): in tasks of their own, behind a
        // repartition, so that an instance restarted after a crash segments again while that index is still restoring.
        line.measured().mapValues(LineTopology::summary, Named.as("to-image-summary"))
                .repartition(Repartitioned.with(Serdes.String(), new JsonSerde<>(ImageSummary.class)).withName("image-summaries"))
                .process(() -> new ImageIndexProcessor<ImageSummary>(summary -> summary, monitor.imageRetention()),
                        Named.as("image-index"), ImageIndexProcessor.IMAGES_STORE, ImageIndexProcessor.LATEST_STORE);
        return builder.build();
    }

    /** What the dashboard keeps of one image: its result, report and overlay thumbnail. */
    static ImageSummary summary(InFlight item) {
        SegmentationResult result = item.result();
        QualityReport report = item.report();
        Map<String, Double> areas = new LinkedHashMap<>();
        result.getClasses().forEach(c -> areas.put(c.getClassName(), c.getAreaFraction()));
        Map<String, Double> qc = new LinkedHashMap<>();
        Map<String, Integer> stars = new LinkedHashMap<>();
        if (report.getCaptureQc() != null) {
            qc.putAll(io.segline.quality.CaptureQcMeter.values(report.getCaptureQc()));
            stars.putAll(report.getCaptureQc().getStars());
        }
        byte[] thumbnail = item.overlayThumbnail();
        return new ImageSummary(result.getImageId(), result.getLineId(), result.getProducedAt().toEpochMilli(),
                report.getVerdict().name(), report.getReasons(), result.getMeanConfidence(), areas, qc, stars, report.getLatencyMs(),
                result.getSegmenter(), result.getModelName() + ":" + result.getModelVersion(), result.getCaptionEnrichment(),
                thumbnail == null ? null : Base64.getEncoder().encodeToString(thumbnail));
    }
}

package io.segline.streams.internals;

import io.segline.model.ClassProbabilities;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.records.QualityReport;
import io.segline.records.RefinementSummary;
import io.segline.records.SegmentationResult;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One capture on its way through the stages. Lives only between the processors of one stream thread
 * (the stages are chained without repartitioning), so it is never serialized; each stage fills in its part.
 */
public final class InFlight {
    final ImageCaptured event;
    final Map<String, Double> stageMillis = new LinkedHashMap<>();
    BufferedImage image;
    EnrichedCaption caption;
    ClassProbabilities coarse;
    ClassProbabilities refined;
    RefinementSummary refinement;
    String segmenter;
    String modelName;
    String modelVersion;
    SegmentationResult result;
    QualityReport report;

    InFlight(ImageCaptured event) {
        this.event = event;
    }

    public SegmentationResult result() {
        return result;
    }

    public QualityReport report() {
        return report;
    }

    void timed(String stage, long startNanos) {
        stageMillis.put(stage, (System.nanoTime() - startNanos) / 1e6);
    }
}

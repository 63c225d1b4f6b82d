package io.segline.streams.internals;

import io.segline.model.ClassProbabilities;
import io.segline.pipeline.Pipeline;
import io.segline.quality.Measurer;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.records.QualityReport;
import io.segline.records.RefinementSummary;
import io.segline.records.SegmentationResult;
import io.segline.refine.Refiner;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One capture on its way through the stages. Lives only between the processors of one stream thread
 * (the stages are chained without repartitioning), so it is never serialized; each stage fills in its part.
 */
public final class InFlight implements Pipeline.Item {
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
    byte[] overlayThumbnail;
    String key;
    long timestamp;
    String sourceTopic;
    int sourcePartition;
    long sourceOffset;
    /** Set when a stage failed on this item: it leaves as a dead letter instead of a result. */
    io.segline.records.DeadLetter deadLetter;
    /** The stage that failed and why, until the stream thread turns them into {@link #deadLetter}. */
    String failedStage;
    RuntimeException failure;
    /** The record's bytes when they could not be decoded into {@link #event} (then null): what its dead letter carries. */
    byte[] original;
    /**
     * The capture's trace in this instance: {@link #span} (ended when the item leaves), under the producer's
     * span when the record carried a traceparent. Stage spans are its children.
     */
    io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.root();
    io.opentelemetry.api.trace.Span span = io.opentelemetry.api.trace.Span.getInvalid();

    InFlight(ImageCaptured event) {
        this.event = event;
    }

    /** The dead letter of this item, or null when it has a result. */
    public io.segline.records.DeadLetter deadLetter() {
        return deadLetter;
    }

    public SegmentationResult result() {
        return result;
    }

    public QualityReport report() {
        return report;
    }

    /** A small PNG of the painting with its mask painted over it, for the dashboard; null before measuring. */
    public byte[] overlayThumbnail() {
        return overlayThumbnail;
    }

    /** Marks this item failed at a stage; it is done with: its decoded image is let go. */
    @Override
    public void fail(String stage, RuntimeException error) {
        failedStage = stage;
        failure = error;
        image = null;
        span.recordException(error);
        span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, stage + ": " + error.getMessage());
    }

    @Override
    public String imageId() {
        return event.getImageId();
    }

    @Override
    public BufferedImage image() {
        return image;
    }

    @Override
    public EnrichedCaption caption() {
        return caption;
    }

    @Override
    public boolean failed() {
        return failure != null;
    }

    @Override
    public void segmented(ClassProbabilities coarse, double millis) {
        this.coarse = coarse;
        stageMillis.put(Pipeline.SEGMENT, millis);
    }

    @Override
    public void refined(Refiner.Refined refined, double millis) {
        this.refined = refined.probabilities();
        this.refinement = refined.summary();
        stageMillis.put(Pipeline.REFINE, millis);
    }

    @Override
    public Measurer.Input measureInput() {
        return new Measurer.Input(event.getImageId(), event.getLineId(), image, refined, refinement, caption.getBackend(), segmenter,
                modelName, modelVersion, stageMillis, StageProcessors.groundTruth(event), event.getCapturedAt());
    }

    @Override
    public void measured(Measurer.Measured measured, double millis) {
        result = measured.result();
        result.put("traceId", io.segline.tracing.Tracing.traceId(trace)); // the generated records have no setters
        report = measured.report();
        overlayThumbnail = measured.overlayThumbnail();
        image = null;
    }

    /** Ends the capture's span in this instance: the item leaves as a result or a dead letter. */
    void leave() {
        span.setAttribute("segline.outcome", failure == null ? "result" : "dead-letter");
        span.end();
    }

    void timed(String stage, long startNanos) {
        stageMillis.put(stage, (System.nanoTime() - startNanos) / 1e6);
    }
}

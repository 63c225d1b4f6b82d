package io.segline.pipeline;

import io.segline.model.ClassProbabilities;
import io.segline.records.EnrichedCaption;
import io.segline.refine.Refiner;
import java.awt.image.BufferedImage;

/**
 * A plain {@link Pipeline.Item}: one image and its caption, keeping what the stages made of it. For callers
 * without items of their own (evaluation, bench); a caller that measures overrides {@link #measureInput}.
 */
public class Capture implements Pipeline.Item {
    private final String id;
    private final BufferedImage image;
    private final EnrichedCaption caption;
    private ClassProbabilities coarse;
    private Refiner.Refined refined;
    private String failedStage;
    private RuntimeException failure;

    public Capture(String id, BufferedImage image, EnrichedCaption caption) {
        this.id = id;
        this.image = image;
        this.caption = caption;
    }

    @Override
    public String imageId() {
        return id;
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
    public void fail(String stage, RuntimeException error) {
        failedStage = stage;
        failure = error;
    }

    @Override
    public void segmented(ClassProbabilities coarse, double millis) {
        this.coarse = coarse;
    }

    @Override
    public void refined(Refiner.Refined refined, double millis) {
        this.refined = refined;
    }

    /** The segmenter's probabilities, before refinement; null until segmented. */
    public ClassProbabilities coarse() {
        return coarse;
    }

    /** The refined probabilities and what refinement did; null until refined. */
    public Refiner.Refined refined() {
        return refined;
    }

    /** The stage that failed, or null. */
    public String failedStage() {
        return failedStage;
    }

    /** Why it failed, or null. */
    public RuntimeException failure() {
        return failure;
    }
}

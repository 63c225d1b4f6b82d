package io.segline.refine;

import io.segline.model.ClassProbabilities;
import io.segline.records.EnrichedCaption;
import io.segline.records.RefinementSummary;
import java.awt.image.BufferedImage;

/** The coarse-mask refinement stage. */
public interface Refiner {

    /** The refined probabilities and a summary of what changed (null summary when nothing was done). */
    record Refined(ClassProbabilities probabilities, RefinementSummary summary) {
    }

    Refined refine(BufferedImage image, ClassProbabilities coarse, EnrichedCaption caption);

    /** The mode name, as configured ({@code segline.refiner}). */
    String name();

    /** The refiner a mode name selects. */
    static Refiner forMode(String mode) {
        if ("none".equals(mode)) {
            return new NoRefinement();
        }
        throw new IllegalArgumentException("Unknown refiner '" + mode + "'; available: none");
    }
}

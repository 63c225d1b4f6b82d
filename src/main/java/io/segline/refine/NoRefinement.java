package io.segline.refine;

import io.segline.model.ClassProbabilities;
import io.segline.records.EnrichedCaption;
import java.awt.image.BufferedImage;

/** Refinement off: the coarse mask is the result and no refinement summary is recorded. The ablation baseline. */
public final class NoRefinement implements Refiner {
    @Override
    public Refined refine(BufferedImage image, ClassProbabilities coarse, EnrichedCaption caption) {
        return new Refined(coarse, null);
    }

    @Override
    public String name() {
        return "none";
    }
}

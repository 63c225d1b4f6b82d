package io.segline.pipeline;

import io.segline.model.BaselineSegmenter;
import io.segline.model.Segmenter;
import io.segline.model.diffusion.Models;
import io.segline.model.diffusion.SupportSet;
import java.nio.file.Path;

/** The one place that turns a {@link Segmenter.Spec} (route, model, device) into a segmenter. */
public final class Segmenters {
    private Segmenters() {
    }

    /** The segmenter a mode name selects, with the default model. */
    public static Segmenter forMode(String mode) {
        return create(new Segmenter.Spec(mode, Models.DEFAULT, "auto", false));
    }

    /** The segmenter a spec selects; fails with the available choices for an unknown mode or model. */
    public static Segmenter create(Segmenter.Spec spec) {
        return switch (spec.mode()) {
            case "baseline" -> new BaselineSegmenter();
            case "diffusion" -> Models.segmenter(spec);
            default -> throw new IllegalArgumentException("Unknown segmenter '" + spec.mode() + "'; available: diffusion, baseline");
        };
    }

    /** Checks a spec without loading a model: the mode is known and the model reference resolves. */
    public static void check(Segmenter.Spec spec) {
        switch (spec.mode()) {
            case "baseline" -> { }
            case "diffusion" -> {
                Models.check(spec.model());
                if (spec.support() != null) {
                    SupportSet.check(Path.of(spec.support()));
                }
            }
            default -> throw new IllegalArgumentException("Unknown segmenter '" + spec.mode() + "'; available: diffusion, baseline");
        }
    }
}

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

    /** The single refiners; several may be chained with {@code +} (run in that order). */
    java.util.List<String> MODES = java.util.List.of("none", "g4seg", "symmetry");

    /** Refuses an unknown or badly chained mode name, before anything is loaded. */
    static void check(String mode) {
        parts(mode);
    }

    /** Whether the mode runs G4Seg (and so needs a model with an image pathway). */
    static boolean needsImagePathway(String mode) {
        return parts(mode).contains("g4seg");
    }

    /**
     * The refiner a mode names, for the coarse masks of {@code segmenter}: {@code none}, {@code symmetry},
     * {@code g4seg} (needs segline's own diffusion model with an image pathway), or several joined by
     * {@code +}, e.g. {@code g4seg+symmetry}.
     */
    static Refiner create(String mode, io.segline.model.Segmenter segmenter, G4SegRefiner.Settings g4seg) {
        java.util.List<String> parts = parts(mode);
        java.util.List<Refiner> chain = new java.util.ArrayList<>();
        for (String part : parts) {
            chain.add(switch (part) {
                case "none" -> new NoRefinement();
                case "symmetry" -> new SymmetryRefiner();
                case "g4seg" -> {
                    if (!(segmenter instanceof io.segline.model.diffusion.DiffusionSegmenter diffusion)
                            || !(diffusion.denoiser() instanceof io.segline.model.diffusion.DiffusionModel model)) {
                        throw new IllegalArgumentException("Refiner g4seg needs segline's own diffusion model (segline.segmenter=diffusion), not "
                                + (segmenter == null ? "no segmenter" : segmenter.modelName()));
                    }
                    yield new G4SegRefiner(model, g4seg);
                }
                default -> throw new IllegalStateException(part);
            });
        }
        return chain.size() == 1 ? chain.get(0) : new Refinements.Chain(chain);
    }

    /** A refiner that needs no model: {@code none}, {@code symmetry} or a chain of those. */
    static Refiner forMode(String mode) {
        return create(mode, null, G4SegRefiner.Settings.defaults());
    }

    private static java.util.List<String> parts(String mode) {
        if (mode == null || mode.isBlank()) {
            throw new IllegalArgumentException("No refiner given; available: " + String.join(", ", MODES));
        }
        java.util.List<String> parts = java.util.Arrays.stream(mode.trim().split("\\+")).map(String::trim).toList();
        for (String part : parts) {
            if (!MODES.contains(part)) {
                throw new IllegalArgumentException("Unknown refiner '" + part + "'; available: " + String.join(", ", MODES)
                        + ", or several joined by + (e.g. g4seg+symmetry)");
            }
            if (part.equals("none") && parts.size() > 1) {
                throw new IllegalArgumentException("Refiner 'none' cannot be chained ('" + mode + "')");
            }
        }
        if (new java.util.HashSet<>(parts).size() < parts.size()) {
            throw new IllegalArgumentException("Refiner '" + mode + "' names a refiner twice");
        }
        return parts;
    }
}

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

    /** The modes {@link #forMode} knows. */
    java.util.List<String> MODES = java.util.List.of("none", "symmetry");

    /**
     * The refiner a mode name selects: {@code none}, {@code symmetry}, or several joined by {@code +}
     * (run in that order).
     */
    static Refiner forMode(String mode) {
        if (mode == null || mode.isBlank()) {
            throw new IllegalArgumentException("No refiner given; available: " + String.join(", ", MODES));
        }
        String[] parts = mode.trim().split("\\+");
        if (parts.length > 1) {
            java.util.List<Refiner> chain = new java.util.ArrayList<>();
            for (String part : parts) {
                if (part.equals("none")) {
                    throw new IllegalArgumentException("Refiner 'none' cannot be chained ('" + mode + "')");
                }
                chain.add(forMode(part));
            }
            return new Refinements.Chain(chain);
        }
        return switch (mode.trim()) {
            case "none" -> new NoRefinement();
            case "symmetry" -> new SymmetryRefiner();
            default -> throw new IllegalArgumentException("Unknown refiner '" + mode + "'; available: " + String.join(", ", MODES)
                    + ", or several joined by + (e.g. g4seg+symmetry)");
        };
    }
}

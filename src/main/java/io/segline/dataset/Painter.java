package io.segline.dataset;

import java.util.List;

/**
 * A procedural painter of Thangka-like paintings with exact ground truth. Painters are independent
 * pieces of drawing code; a model trained on some of them is judged on another it never saw, since a
 * score on the training painter's own unseen seeds measures how well the model learned that painter.
 *
 * <p>The same (seed, index, style) always gives the same painting. Implementations are thread-safe.
 */
public interface Painter {
    /** The painters segline ships, by name. */
    List<String> NAMES = List.of("thangka", "composer", "atelier");

    /** Styles every painter understands; {@code mixed} draws half clean, a quarter each of the others. */
    List<String> STYLES = List.of("clean", "flat", "degraded", "hidden", "mixed");

    String name();

    /** Painting number {@code index} of the set with this seed. */
    Painting paint(long seed, int index, String style);

    /**
     * The painter of this name for paintings of about {@code width × height} pixels (painters that vary
     * the aspect ratio keep about this many pixels).
     */
    static Painter named(String name, int width, int height) {
        return switch (name) {
            case "thangka" -> new ThangkaSynth(width, height);
            case "composer" -> new Composer(width, height);
            case "atelier" -> new Atelier(width, height);
            default -> throw new IllegalArgumentException("Unknown painter '" + name + "'; choose one of " + NAMES);
        };
    }
}

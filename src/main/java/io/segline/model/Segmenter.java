package io.segline.model;

import io.segline.records.EnrichedCaption;
import java.awt.image.BufferedImage;

/**
 * The segmentation stage: image plus enriched caption to per-class probabilities. An instance belongs
 * to one stream thread (native models are not thread-safe) and is closed with it.
 */
public interface Segmenter extends AutoCloseable {

    ClassProbabilities segment(BufferedImage image, EnrichedCaption caption);

    /**
     * Segments a batch in one call; models override this to run one forward pass per batch. The result
     * for an image must not depend on the other images of the batch.
     */
    default java.util.List<ClassProbabilities> segmentBatch(java.util.List<BufferedImage> images, java.util.List<EnrichedCaption> captions) {
        java.util.List<ClassProbabilities> out = new java.util.ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            out.add(segment(images.get(i), captions.get(i)));
        }
        return out;
    }

    /** The route, as configured ({@code segline.segmenter}): e.g. {@code baseline}. */
    String name();

    String modelName();

    String modelVersion();

    @Override
    default void close() {
    }

    /** The segmenter a mode name selects. */
    static Segmenter forMode(String mode) {
        if ("baseline".equals(mode)) {
            return new BaselineSegmenter();
        }
        throw new IllegalArgumentException("Unknown segmenter '" + mode + "'; available: baseline");
    }
}

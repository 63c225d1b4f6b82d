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

    /**
     * What selects and configures a segmenter.
     *
     * @param mode          {@code diffusion} or {@code baseline}
     * @param model         for diffusion: a packaged model's name, a folder with {@code model.json}, or
     *                      {@code torchscript:DIR}
     * @param device        {@code auto}, {@code cpu} or {@code gpu}
     * @param blankCaptions condition the model on an empty caption
     * @param steps         DDIM steps, 0 for the model's own setting
     * @param samples       samples per image, 0 for the model's own setting
     * @param symmetryOff   bypass the model's trained symmetry block (ablation)
     * @param support       a dataset folder of annotated paintings of the collection for the model's
     *                      support-query attention (in-context adaptation), or null for none
     */
    record Spec(String mode, String model, String device, boolean blankCaptions, int steps, int samples, boolean symmetryOff,
            String support) {
        public Spec {
            support = support == null || support.isBlank() ? null : support;
        }

        public Spec(String mode, String model, String device, boolean blankCaptions) {
            this(mode, model, device, blankCaptions, 0, 0, false, null);
        }

        public Spec(String mode, String model, String device, boolean blankCaptions, int steps, int samples, boolean symmetryOff) {
            this(mode, model, device, blankCaptions, steps, samples, symmetryOff, null);
        }
    }
}

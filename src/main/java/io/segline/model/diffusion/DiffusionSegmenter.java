package io.segline.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.segline.model.ClassProbabilities;
import io.segline.model.Segmenter;
import io.segline.records.EnrichedCaption;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Segmentation by DDIM sampling of a mask denoiser conditioned on the image and its enriched caption.
 * One forward pass per denoising step for the whole batch; the result for an image does not depend on
 * its batch (fixed per-chain noise, group norm, no cross-row operations) up to float rounding of
 * batched kernels. Owns its {@link Denoiser}: one instance per stream thread.
 */
public final class DiffusionSegmenter implements Segmenter {
    /** Seed of the sampling noise; fixed so that a capture segments the same way every time. */
    public static final long NOISE_SEED = 20251;

    private final Denoiser denoiser;
    private final String route;
    private final String version;
    private final boolean blankCaptions;
    private final Sampler sampler;

    /**
     * @param route          the configured route, e.g. {@code diffusion} (recorded in results)
     * @param blankCaptions  condition on an empty caption (the ablation without caption conditioning)
     */
    public DiffusionSegmenter(Denoiser denoiser, String route, boolean blankCaptions) {
        this(denoiser, route, blankCaptions, 0, 0);
    }

    /**
     * @param steps   DDIM steps (0: the model's own setting)
     * @param samples chains per image (0: the model's own setting)
     */
    public DiffusionSegmenter(Denoiser denoiser, String route, boolean blankCaptions, int steps, int samples) {
        this.denoiser = denoiser;
        this.route = route;
        this.version = denoiser.config().version();
        this.blankCaptions = blankCaptions;
        DiffusionConfig config = denoiser.config();
        this.sampler = new Sampler(config.withSampling(steps > 0 ? steps : config.samplingSteps(),
                samples > 0 ? samples : config.samples()), NOISE_SEED);
    }

    public Denoiser denoiser() {
        return denoiser;
    }

    @Override
    public ClassProbabilities segment(BufferedImage image, EnrichedCaption caption) {
        return segmentBatch(List.of(image), List.of(caption)).get(0);
    }

    @Override
    public List<ClassProbabilities> segmentBatch(List<BufferedImage> images, List<EnrichedCaption> captions) {
        DiffusionConfig config = denoiser.config();
        int w = config.inputWidth();
        int h = config.inputHeight();
        int n = images.size();
        float[] pixels = new float[n * 3 * w * h];
        int[] tokens = new int[n * config.maxTokens()];
        for (int i = 0; i < n; i++) {
            System.arraycopy(ModelInput.pixels(images.get(i), w, h), 0, pixels, i * 3 * w * h, 3 * w * h);
            EnrichedCaption caption = blankCaptions ? null : captions.get(i);
            System.arraycopy(CaptionTokens.encode(caption, config), 0, tokens, i * config.maxTokens(), config.maxTokens());
        }
        float[] probabilities;
        try (NDManager batch = denoiser.manager().newSubManager()) {
            NDArray x = batch.create(pixels, new Shape(n, 3, h, w));
            NDArray t = batch.create(tokens, new Shape(n, config.maxTokens()));
            probabilities = sampler.sample(denoiser, batch, x, t, null).toFloatArray();
        }
        int k = config.classes();
        List<ClassProbabilities> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[][] planes = new float[k][w * h];
            for (int c = 0; c < k; c++) {
                System.arraycopy(probabilities, (i * k + c) * w * h, planes[c], 0, w * h);
            }
            // At the working resolution: refiners work there, and the measure stage upsamples to the scan in bands.
            out.add(new ClassProbabilities(w, h, planes));
        }
        return out;
    }

    @Override
    public String name() {
        return route;
    }

    @Override
    public String modelName() {
        return denoiser.config().name();
    }

    @Override
    public String modelVersion() {
        return version;
    }

    @Override
    public void close() {
        denoiser.close();
    }
}

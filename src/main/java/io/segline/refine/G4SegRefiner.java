package io.segline.refine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.segline.model.ClassProbabilities;
import io.segline.model.diffusion.DiffusionConfig;
import io.segline.model.diffusion.DiffusionModel;
import io.segline.model.diffusion.ImagePathway;
import io.segline.model.diffusion.ModelInput;
import io.segline.records.EnrichedCaption;
import io.segline.records.RefinementSummary;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * G4Seg's training-free refinement of a coarse mask by generation discrepancy (Li et al., §II-C), on a
 * segline model's own image pathway and encoder.
 *
 * <ol>
 * <li>The painting, at the pathway's resolution, is noised to t_s and regenerated in one step with the
 *     coarse mask injected into the pathway's attention (α·A_cross towards each position's class token,
 *     α·A_self between positions of the same class; {@link ImagePathway#regenerate}).</li>
 * <li>Original and regenerated painting go through the segmenter's encoder; for each position j of the
 *     regenerated one, its correspondence δ_j is the original's position with the most similar feature
 *     (cosine, Eq. 8), searched over the whole painting.</li>
 * <li>Where the coarse probability is uncertain (some class's probability inside the band, Table III's
 *     confidence filter), the pixel's distribution is mixed with its correspondence's:
 *     S* = β·S + (1−β)·S[δ] (Eq. 9). Confident pixels keep their probabilities exactly.</li>
 * </ol>
 *
 * <p>Where the mask over-segments, the regeneration spreads the wrong class's look into the region and
 * its correspondence falls where that look really is, and the reverse for under-segmentation (§X); the
 * mixing moves both towards the painting. The regeneration's noise is fixed per refiner (seeded), so a
 * painting always gets the same result.
 */
public final class G4SegRefiner implements Refiner {
    private static final long NOISE_SEED = 0x6A45L;

    /**
     * @param timestep t_s of T the painting is noised to (G4Seg's best: 400 of 1000)
     * @param alpha    injection weight α of Eq. 5
     * @param beta     weight of a pixel's own probability in Eq. 9 (0.8–0.9 in G4Seg)
     * @param bandLow  lower end of the uncertain band
     * @param bandHigh upper end of the uncertain band
     */
    public record Settings(int timestep, float alpha, float beta, float bandLow, float bandHigh) {
        public Settings {
            if (timestep < 1 || !(alpha >= 0) || !(beta >= 0 && beta <= 1) || !(bandLow >= 0 && bandLow < bandHigh && bandHigh <= 1)) {
                throw new IllegalArgumentException("G4Seg needs t_s >= 1, alpha >= 0, beta in [0, 1] and 0 <= band low < band high <= 1, not "
                        + this);
            }
        }

        public static Settings defaults() {
            return new Settings(400, 8f, 0.8f, 0.2f, 0.6f);
        }
    }

    private final DiffusionModel model;
    private final ImagePathway pathway;
    private final Settings settings;

    /** A refiner on {@code model}'s encoder and image pathway; the model stays owned by its segmenter. */
    public G4SegRefiner(DiffusionModel model, Settings settings) {
        this.model = model;
        this.pathway = model.imagePathway().orElseThrow(() -> new IllegalArgumentException("Refiner g4seg needs a model with an image "
                + "pathway; " + model.config().name() + " v" + model.config().version() + " has no image pathway (segline train --image-pathway adds one)"));
        if (settings.timestep() >= pathway.spec().timesteps()) {
            throw new IllegalArgumentException("G4Seg's t_s must be below the model's " + pathway.spec().timesteps() + " timesteps, not "
                    + settings.timestep());
        }
        this.settings = settings;
    }

    @Override
    public String name() {
        return "g4seg";
    }

    @Override
    public Refined refine(BufferedImage image, ClassProbabilities coarseIn, EnrichedCaption caption) {
        long started = System.nanoTime();
        DiffusionConfig config = model.config();
        int w = config.inputWidth();
        int h = config.inputHeight();
        ClassProbabilities coarse = coarseIn.resize(w, h);
        float[][] p = coarse.planes();
        int k = p.length;
        boolean[] uncertain = new boolean[w * h];
        int uncertainCount = 0;
        for (int i = 0; i < w * h; i++) {
            for (int c = 0; c < k; c++) {
                if (p[c][i] >= settings.bandLow() && p[c][i] <= settings.bandHigh()) {
                    uncertain[i] = true;
                    uncertainCount++;
                    break;
                }
            }
        }
        if (uncertainCount == 0) {
            return new Refined(coarse, summary(coarse, coarse, 0, "g4seg: no pixel in the uncertain band; left unchanged", started));
        }
        int gw = config.maskWidth();
        int gh = config.maskHeight();
        int[] correspondence;
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = scope.create(ModelInput.pixels(image, w, h), new Shape(1, 3, h, w));
            NDArray small = x.reshape(1, 3, gh, 2, gw, 2).mean(new int[] {5}).mean(new int[] {3}).mul(2f).sub(1f);
            byte[] grid = coarse.resize(pathway.spec().imageWidth() / 4, pathway.spec().imageHeight() / 4).labels();
            NDArray regenerated = pathway.regenerate(scope, small, settings.timestep(), new byte[][] {grid}, settings.alpha(), NOISE_SEED);
            NDArray back = regenerated.add(1f).div(2f).repeat(2, 2).repeat(3, 2);
            NDList features = model.features(scope, x.concat(back, 0));
            NDArray f = features.get(1);
            long channels = f.getShape().get(1);
            NDArray flat = f.reshape(2, channels, (long) gw * gh);
            NDArray unit = flat.div(flat.square().sum(new int[] {1}, true).sqrt().add(1e-6f));
            NDArray original = unit.get(0);
            NDArray generated = unit.get(1);
            correspondence = match(scope, original, generated, cells(uncertain, w, h, gw, gh));
        }
        ClassProbabilities onGrid = coarse.resize(gw, gh);
        float[][] g = onGrid.planes();
        float beta = settings.beta();
        float[][] out = new float[k][];
        for (int c = 0; c < k; c++) {
            out[c] = p[c].clone();
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (!uncertain[i]) {
                    continue;
                }
                int cell = (y * gh / h) * gw + x * gw / w;
                int target = correspondence[cell];
                if (target < 0) {
                    continue;
                }
                for (int c = 0; c < k; c++) {
                    out[c][i] = beta * p[c][i] + (1 - beta) * g[c][target];
                }
            }
        }
        ClassProbabilities refined = new ClassProbabilities(w, h, out);
        String note = String.format(Locale.ROOT, "g4seg: t_s %d, alpha %.1f, beta %.2f, band [%.2f, %.2f]: %.1f%% of pixels uncertain",
                settings.timestep(), settings.alpha(), beta, settings.bandLow(), settings.bandHigh(), 100.0 * uncertainCount / (w * h));
        return new Refined(refined, summary(coarse, refined, (double) uncertainCount / (w * h), note, started));
    }

    /** The grid cells that hold at least one uncertain pixel. */
    private static boolean[] cells(boolean[] uncertain, int w, int h, int gw, int gh) {
        boolean[] cells = new boolean[gw * gh];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (uncertain[y * w + x]) {
                    cells[(y * gh / h) * gw + x * gw / w] = true;
                }
            }
        }
        return cells;
    }

    /**
     * For each wanted cell j of the regenerated painting, the original's cell with the most similar feature
     * (Eq. 8); -1 for cells not wanted. Features are unit columns {@code (C, N)}.
     */
    static int[] match(NDManager scope, NDArray original, NDArray generated, boolean[] wanted) {
        int n = wanted.length;
        int count = 0;
        for (boolean b : wanted) {
            count += b ? 1 : 0;
        }
        int[] out = new int[n];
        java.util.Arrays.fill(out, -1);
        if (count == 0) {
            return out;
        }
        long[] index = new long[count];
        for (int j = 0, q = 0; j < n; j++) {
            if (wanted[j]) {
                index[q++] = j;
            }
        }
        NDArray queries = generated.transpose().get(new ai.djl.ndarray.index.NDIndex("{}", scope.create(index)));
        long[] best = queries.matMul(original).argMax(1).toLongArray();
        for (int q = 0; q < count; q++) {
            out[(int) index[q]] = (int) best[q];
        }
        return out;
    }

    private RefinementSummary summary(ClassProbabilities before, ClassProbabilities after, double uncertainFraction, String note,
            long startedNanos) {
        return RefinementSummary.newBuilder()
                .setMethods(List.of("g4seg"))
                .setChangedPixelFraction(Refinements.changedFraction(before, after))
                .setUncertainPixelFraction(uncertainFraction)
                .setMeanAbsDelta(Refinements.meanAbsDelta(before, after))
                .setBandLow((double) settings.bandLow())
                .setBandHigh((double) settings.bandHigh())
                .setTimestep(settings.timestep())
                .setAlpha((double) settings.alpha())
                .setBeta((double) settings.beta())
                .setMillis((System.nanoTime() - startedNanos) / 1e6)
                .setNotes(List.of(note))
                .build();
    }
}

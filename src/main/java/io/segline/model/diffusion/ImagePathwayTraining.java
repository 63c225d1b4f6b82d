package io.segline.model.diffusion;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.segline.caption.NoEnrichment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * Trains the image pathway of a segmenter ({@link ImagePathway}) on labelled paintings, leaving the
 * segmenter's own weights alone, and saves the model with its pathway.
 *
 * <p>Each step noises a batch of augmented paintings (at the pathway's resolution, half the segmenter's
 * input) to random timesteps and trains x̂0-prediction with a mean squared error. For most batches the true
 * label map is injected into the attention as G4Seg injects a coarse mask (α·A with α drawn up to
 * {@link Options#maxAlpha}); the rest see no injection, so the pathway works with and without one. Steps
 * with a non-finite loss or gradient are skipped as in {@link Training} (the same strikes and recovery); a run
 * that diverges saves nothing.
 */
public final class ImagePathwayTraining {
    /**
     * @param data      labelled dataset folders
     * @param init      the segmenter to give a pathway: a packaged model's name or a model folder
     * @param out       the model folder to write (the segmenter's files and the pathway)
     * @param width     channels of the pathway's first level
     * @param injectRate share of batches trained with the true labels injected
     * @param maxAlpha  largest injection weight drawn for those batches
     */
    public record Options(List<Path> data, String init, Path out, int width, int steps, int batch, long seed, float learningRate,
            Device device, float injectRate, float maxAlpha) {
        public Options {
            data = List.copyOf(data);
            if (data.isEmpty() || steps < 1 || batch < 1 || !(learningRate > 0) || injectRate < 0 || injectRate > 1 || maxAlpha < 0) {
                throw new IllegalArgumentException("image pathway training needs data, steps >= 1, batch >= 1, a positive learning rate, "
                        + "an injection rate in [0, 1] and alpha >= 0");
            }
        }
    }

    /** How a run ended. */
    public record Outcome(int steps, Duration wallTime, float lastLoss, long parameters, int trainingImages, int skippedSteps) {
    }

    private final Options options;

    public ImagePathwayTraining(Options options) {
        this.options = options;
    }

    public Outcome run(Training.Listener listener) {
        Instant began = Instant.now();
        try (DiffusionModel segmenter = Models.own(options.init(), options.device())) {
            DiffusionConfig config = segmenter.config();
            ImagePathway.Spec spec = ImagePathway.Spec.of(config, options.width());
            Training.Data data = Training.load(options.data(), config, new NoEnrichment());
            ImagePathway pathway = ImagePathway.create(spec, options.device(), options.seed());
            segmenter.useImagePathway(pathway);
            int total = options.steps();
            Training.NonFinite guard = new Training.NonFinite();
            Tracker schedule = update -> {
                int warm = Math.min(100, total / 10);
                double lr = update < warm ? options.learningRate() * (update + 1.0) / warm
                        : options.learningRate() * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * (update - warm) / Math.max(1, total - warm))));
                return (float) lr * guard.rateFactor();
            };
            float lastLoss = Float.NaN;
            try (Trainer trainer = pathway.model().newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(schedule).optWeightDecays(0f).build())
                    .optDevices(new Device[] {options.device()}))) {
                listener.started(0, total, pathway.parameterCount(), data.samples().size());
                pathway.net().getParameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
                // One device: the store hands out the parameters themselves, whose gradients the trainer's step reads.
                ParameterStore store = new ParameterStore(pathway.model().getNDManager(), false);
                for (int step = 0; step < total; step++) {
                    Random random = new Random(options.seed() * 1_000_003L + step);
                    String bad = null;
                    try (NDManager scope = pathway.model().getNDManager().newSubManager()) {
                        Batch batch = batch(data, spec, config, random, scope);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray predicted = pathway.net().denoise(store, batch.xt, batch.t, batch.hooks, true);
                            NDArray loss = predicted.sub(batch.x0).square().mean();
                            lastLoss = loss.getFloat();
                            if (!Float.isFinite(lastLoss)) {
                                bad = "the loss is " + lastLoss;
                            } else {
                                collector.backward(loss);
                            }
                        }
                        if (bad == null) {
                            bad = Training.clipGradients(pathway.net());
                        }
                        if (bad == null) {
                            trainer.step();
                        } else {
                            Training.zeroGradients(pathway.net());
                        }
                    }
                    if (bad != null) {
                        if (guard.bad()) {
                            throw new Training.DivergedException("Image pathway training diverged at step " + (step + 1) + ": " + bad
                                    + "; nothing was saved. Lower --lr.");
                        }
                        listener.skipped(step + 1, bad, schedule.getNewValue(step));
                        continue;
                    }
                    guard.good();
                    listener.step(step + 1, lastLoss, schedule.getNewValue(step));
                }
            }
            Training.requireFinite(pathway.net(), "the image pathway");
            segmenter.save(options.out());
            return new Outcome(total, Duration.between(began, Instant.now()), lastLoss, pathway.parameterCount(), data.samples().size(),
                    guard.skipped());
        }
    }

    private record Batch(NDArray x0, NDArray xt, NDArray t, AttentionHooks hooks) {
    }

    private Batch batch(Training.Data data, ImagePathway.Spec spec, DiffusionConfig config, Random random, NDManager scope) {
        int b = options.batch();
        int w = config.inputWidth();
        int h = config.inputHeight();
        int pw = spec.imageWidth();
        int ph = spec.imageHeight();
        int gw = pw / 4;
        int gh = ph / 4;
        float[] x0 = new float[b * 3 * pw * ph];
        float[] xt = new float[x0.length];
        float[] t = new float[b];
        byte[][] grids = new byte[b][];
        boolean inject = random.nextFloat() < options.injectRate();
        float alpha = inject ? random.nextFloat() * options.maxAlpha() : 0f;
        NoiseSchedule noise = new NoiseSchedule(spec.timesteps());
        List<Training.Sample> samples = data.samples();
        for (int row = 0; row < b; row++) {
            Training.Sample sample = samples.get(random.nextInt(samples.size()));
            float[] rgb = sample.pixels();
            byte[] labels = sample.labels().clone();
            Augment.apply(rgb, labels, w, h, random);
            grids[row] = ModelInput.labels(labels, w, h, gw, gh, spec.classes());
            int timestep = 50 + random.nextInt(Math.max(1, spec.timesteps() * 9 / 10 - 50));
            t[row] = (float) timestep / spec.timesteps();
            double a = noise.alphaBar(timestep);
            int plane = pw * ph;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < ph; y++) {
                    for (int x = 0; x < pw; x++) {
                        int s = c * w * h + 2 * y * w + 2 * x;
                        float v = (rgb[s] + rgb[s + 1] + rgb[s + w] + rgb[s + w + 1]) / 4f * 2f - 1f;
                        int o = (row * 3 + c) * plane + y * pw + x;
                        x0[o] = v;
                        xt[o] = (float) (Math.sqrt(a) * v + Math.sqrt(1 - a) * random.nextGaussian());
                    }
                }
            }
        }
        AttentionHooks hooks = AttentionHooks.none();
        if (inject) {
            float[][] bias = ImagePathway.injection(grids, spec.classes(), spec.tokens(), alpha);
            hooks = new AttentionHooks(scope.create(bias[0], new Shape(b, spec.tokens(), spec.classes())),
                    scope.create(bias[1], new Shape(b, spec.tokens(), spec.tokens())), false);
        }
        Shape shape = new Shape(b, 3, ph, pw);
        return new Batch(scope.create(x0, shape), scope.create(xt, shape), scope.create(t), hooks);
    }
}

package io.segline.model.diffusion;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.caption.CaptionEnricher;
import io.segline.dataset.DatasetFolder;
import io.segline.quality.GroundTruth;
import io.segline.quality.SegmentationMetrics;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.records.InlineImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Trains a {@link SpiritNet} on a labelled dataset folder.
 *
 * <p>Each step draws {@code batch/2} paintings, augments them ({@link Augment}) and pairs each with its
 * horizontal mirror; every pair shares a timestep and mirrored noise. The clean mask x0 is the one-hot
 * label map averaged to the diffusion grid and scaled to [−1, 1]; x_t = √ᾱ·x0 + √(1−ᾱ)·ε. The network
 * predicts x̂0 logits at the input resolution. Loss (SPIRIT §3.4, with x̂0 instead of ε prediction):
 * cross-entropy + 0.5·soft Dice against the labels (the denoising term), plus λ·L_sym with
 * L_sym = ‖m − T_s(m')‖₁ between the prediction m for a painting and the mirrored prediction m' for its
 * mirror (equivariance: it holds for off-centre compositions, which a flip of m itself would punish).
 * Adam with warm-up and cosine decay. Every step's draws come from a generator seeded by (seed, step),
 * so a run is deterministic on CPU and a resumed run draws the same batches.
 */
public final class Training {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String CHECKPOINT = "checkpoint";

    /** What to train and how. */
    public record Options(Path data, Path out, DiffusionConfig shape, int steps, int batch, long seed, float learningRate,
            float symmetryWeight, boolean captions, boolean resume, Device device, Duration checkpointEvery) {
        public Options {
            if (batch < 2 || batch % 2 != 0) {
                throw new IllegalArgumentException("--batch must be even and at least 2 (paintings are paired with their mirrors)");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("--steps must be at least 1");
            }
        }
    }

    /** Progress of a run, reported after every step. */
    public interface Listener {
        void started(int firstStep, int steps, long parameters, int images);

        void step(int step, float loss, float learningRate);

        void checkpoint(int step, Path where);
    }

    /** How a run ended. */
    public record Outcome(int steps, Duration wallTime, float lastLoss, long parameters, int trainingImages) {
    }

    record Sample(String id, float[] rgb, byte[] labels, int[] tokens) {
    }

    private final Options options;
    private final CaptionEnricher enricher;

    public Training(Options options, CaptionEnricher enricher) {
        this.options = options;
        this.enricher = enricher;
    }

    /** Reads the labelled images of a dataset folder at the model's input size; unlabelled ones are skipped. */
    static List<Sample> load(Path dir, DiffusionConfig shape, CaptionEnricher enricher) {
        List<Sample> samples = new ArrayList<>();
        for (DatasetFolder.Entry entry : DatasetFolder.read(dir)) {
            if (entry.mask().isEmpty()) {
                continue;
            }
            try {
                BufferedImage image = ImageIO.read(entry.image().toFile());
                int[] size = new int[2];
                byte[] labels = GroundTruth.decode(Files.readAllBytes(entry.mask().get()), size);
                if (image == null || size[0] != image.getWidth() || size[1] != image.getHeight()) {
                    throw new IllegalArgumentException("image and mask of " + entry.id() + " are unreadable or differ in size");
                }
                samples.add(new Sample(entry.id(), ModelInput.pixels(image, shape.inputWidth(), shape.inputHeight()),
                        ModelInput.labels(labels, size[0], size[1], shape.inputWidth(), shape.inputHeight(), shape.classes()),
                        CaptionTokens.encode(enrich(enricher, entry.id(), entry.caption()).getFinalText(), shape.vocabulary(),
                                shape.maxTokens())));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + entry.image() + ": " + e.getMessage(), e);
            }
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(dir + " has no labelled images (masks/<id>.png)");
        }
        return samples;
    }

    static EnrichedCaption enrich(CaptionEnricher enricher, String id, String caption) {
        return enricher.enrich(ImageCaptured.newBuilder().setImageId(id).setLineId("training").setScannerId("training")
                .setCapturedAt(Instant.EPOCH).setCaption(caption == null ? "" : caption)
                .setImage(InlineImage.newBuilder().setData(ByteBuffer.allocate(0)).build()).setContentType("image/png").build());
    }

    /** Runs the training; returns after the last step with the model saved in {@code out}. */
    public Outcome run(Listener listener) {
        Instant began = Instant.now();
        DiffusionConfig shape = options.shape();
        List<Sample> samples = load(options.data(), shape, enricher);
        Path checkpoint = options.out().resolve(CHECKPOINT);
        int first = 0;
        DiffusionModel model;
        if (options.resume() && Files.isRegularFile(checkpoint.resolve("progress.json"))) {
            model = DiffusionModel.load(checkpoint, options.device());
            // Loaded weights are plain arrays; training needs them to collect gradients again.
            model.net().getParameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
            first = readProgress(checkpoint);
        } else {
            model = DiffusionModel.create(shape, options.device(), options.seed());
        }
        int start = first;
        Tracker schedule = update -> learningRate(start + update);
        float lastLoss = Float.NaN;
        try (model;
                Trainer trainer = model.model().newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
                        .optOptimizer(Optimizer.adam().optLearningRateTracker(schedule).optWeightDecays(1e-5f).build())
                        .optDevices(new Device[] {options.device()}))) {
            listener.started(first, options.steps(), model.parameterCount(), samples.size());
            Instant lastCheckpoint = Instant.now();
            NoiseSchedule noise = new NoiseSchedule(shape.timesteps());
            for (int step = first; step < options.steps(); step++) {
                try (NDManager scope = model.manager().newSubManager()) {
                    Batch batch = batch(samples, step, noise, scope);
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray logits = trainer.forward(new NDList(batch.images, batch.xt, batch.t, batch.tokens)).singletonOrThrow();
                        NDArray loss = loss(logits, batch.onehot, batch.valid);
                        collector.backward(loss);
                        lastLoss = loss.getFloat();
                    }
                    trainer.step();
                }
                listener.step(step + 1, lastLoss, learningRate(step));
                boolean due = Duration.between(lastCheckpoint, Instant.now()).compareTo(options.checkpointEvery()) >= 0;
                if (due && step + 1 < options.steps()) {
                    saveCheckpoint(model, checkpoint, step + 1);
                    listener.checkpoint(step + 1, checkpoint);
                    lastCheckpoint = Instant.now();
                }
            }
            model.save(options.out());
            saveCheckpoint(model, checkpoint, options.steps());
            return new Outcome(options.steps() - first, Duration.between(began, Instant.now()), lastLoss, model.parameterCount(), samples.size());
        }
    }

    private float learningRate(int step) {
        int warmUp = Math.min(200, options.steps() / 10);
        if (step < warmUp) {
            return options.learningRate() * (step + 1) / warmUp;
        }
        double progress = (double) (step - warmUp) / Math.max(1, options.steps() - warmUp);
        return (float) (options.learningRate() * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)))));
    }

    private record Batch(NDArray images, NDArray xt, NDArray t, NDArray tokens, NDArray onehot, NDArray valid) {
    }

    private Batch batch(List<Sample> samples, int step, NoiseSchedule noise, NDManager m) {
        DiffusionConfig s = options.shape();
        Random random = new Random(options.seed() * 1_000_003L + step);
        int b = options.batch();
        int half = b / 2;
        int w = s.inputWidth();
        int h = s.inputHeight();
        int k = s.classes();
        int mw = s.maskWidth();
        int mh = s.maskHeight();
        float[] images = new float[b * 3 * w * h];
        float[] onehot = new float[b * k * w * h];
        float[] valid = new float[b * w * h];
        float[] xt = new float[b * k * mw * mh];
        float[] t = new float[b];
        int[] tokens = new int[b * s.maxTokens()];
        for (int pair = 0; pair < half; pair++) {
            Sample sample = samples.get(random.nextInt(samples.size()));
            float[] rgb = sample.rgb().clone();
            Augment.apply(rgb, w, h, random);
            int timestep = random.nextInt(s.timesteps());
            double a = noise.alphaBar(timestep);
            float[] eps = new float[k * mw * mh];
            for (int i = 0; i < eps.length; i++) {
                eps[i] = (float) random.nextGaussian();
            }
            for (int mirror = 0; mirror < 2; mirror++) {
                int row = pair + mirror * half;
                t[row] = (float) timestep / s.timesteps();
                if (options.captions()) {
                    System.arraycopy(sample.tokens(), 0, tokens, row * s.maxTokens(), s.maxTokens());
                } else {
                    tokens[row * s.maxTokens()] = CaptionTokens.START;
                }
                float[] x0 = new float[k * mw * mh];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int sx = mirror == 0 ? x : w - 1 - x;
                        for (int c = 0; c < 3; c++) {
                            images[((row * 3 + c) * h + y) * w + x] = rgb[(c * h + y) * w + sx];
                        }
                        int label = sample.labels()[y * w + sx] & 0xff;
                        if (label < k) {
                            onehot[((row * k + label) * h + y) * w + x] = 1f;
                            valid[(row * h + y) * w + x] = 1f;
                            x0[(label * mh + y / 2) * mw + x / 2] += 0.25f;
                        }
                    }
                }
                for (int c = 0; c < k; c++) {
                    for (int y = 0; y < mh; y++) {
                        for (int x = 0; x < mw; x++) {
                            int o = (c * mh + y) * mw + x;
                            int eo = (c * mh + y) * mw + (mirror == 0 ? x : mw - 1 - x);
                            xt[row * k * mw * mh + o] = (float) (Math.sqrt(a) * (x0[o] * 2 - 1) + Math.sqrt(1 - a) * eps[eo]);
                        }
                    }
                }
            }
        }
        return new Batch(m.create(images, new Shape(b, 3, h, w)), m.create(xt, new Shape(b, k, mh, mw)), m.create(t),
                m.create(tokens, new Shape(b, s.maxTokens())), m.create(onehot, new Shape(b, k, h, w)), m.create(valid, new Shape(b, 1, h, w)));
    }

    private NDArray loss(NDArray logits, NDArray onehot, NDArray valid) {
        NDArray logp = logits.logSoftmax(1);
        NDArray pixels = valid.sum().maximum(1f);
        NDArray ce = logp.mul(onehot).sum(new int[] {1}, true).mul(valid).sum().div(pixels).neg();
        NDArray p = logp.exp().mul(valid);
        NDArray intersection = p.mul(onehot).sum(new int[] {0, 2, 3});
        NDArray total = p.sum(new int[] {0, 2, 3}).add(onehot.sum(new int[] {0, 2, 3}));
        NDArray dice = intersection.mul(2f).add(1f).div(total.add(1f)).mean().neg().add(1f);
        NDArray loss = ce.add(dice.mul(0.5f));
        if (options.symmetryWeight() > 0) {
            long half = logits.getShape().get(0) / 2;
            NDArray original = p.get("0:" + half);
            NDArray mirrored = p.get(half + ":").flip(3);
            loss = loss.add(original.sub(mirrored).abs().mean().mul(options.symmetryWeight()));
        }
        return loss;
    }

    private void saveCheckpoint(DiffusionModel model, Path dir, int step) {
        model.save(dir);
        try {
            Files.writeString(dir.resolve("progress.json"), JSON.writeValueAsString(Map.of("step", step, "seed", options.seed(),
                    "steps", options.steps(), "batch", options.batch())));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the checkpoint in " + dir, e);
        }
    }

    private static int readProgress(Path dir) {
        try {
            return JSON.readTree(dir.resolve("progress.json").toFile()).get("step").asInt();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the checkpoint in " + dir + ": " + e.getMessage(), e);
        }
    }
}

package io.segline.model.diffusion;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;

/**
 * Trains a {@link SpiritNet} on labelled dataset folders, from scratch or from a shipped model.
 *
 * <p>Each step draws {@code batch/2} paintings, augments them ({@link Augment}: colour, texture and
 * geometry, labels moved with the pixels) and pairs each with its horizontal mirror; every pair shares
 * a timestep and mirrored noise. The clean mask x0 is the one-hot label map averaged to the diffusion
 * grid and scaled to [−1, 1]; x_t = √ᾱ·x0 + √(1−ᾱ)·ε. The network predicts x̂0 logits at the input
 * resolution. Loss (SPIRIT §3.4, with x̂0 instead of ε prediction): cross-entropy + 0.5·soft Dice against
 * the labels, plus λ·L_sym with L_sym = ‖m − T_s(m')‖₁ between the prediction m for a painting and the
 * mirrored prediction m' for its mirror.
 *
 * <p>Captions are dropped (replaced by the empty caption) for a share of the pairs, so a capture without
 * a caption costs nothing. On models with support–query attention a share of the batches gives every
 * row one support painting from the same collection (the dataset's {@code collection} field), so the
 * network learns to read labels off annotated paintings of the collection.
 *
 * <p>Adam with warm-up and cosine decay, without weight decay, and a gradient clip that only guards
 * against explosions ({@value #CLIP_NORM}, far above a healthy step's global norm). Adam adds an L2 weight
 * decay to the gradient before normalising it, so a weight whose loss gradient is smaller than the decay
 * term moves towards zero by about the learning rate every step whatever the decay's size: with 1e-5 and a
 * clip at norm 1 the caption and support pathways (small gradients while the rest of the network learns)
 * were driven to 1e-38 within the first thousand steps and never came back, and several encoder norms
 * were halved. A step whose loss or gradient is not
 * finite is skipped and the learning rate halved; {@value #RECOVER_STEPS} good steps in a row take one such
 * strike back and double the rate again (an isolated bad batch in a run of hours costs one step, not half the
 * rate for good), and {@value #MAX_BAD_STEPS} strikes standing stop the run with {@link DivergedException}. A checkpoint is written only when every weight is finite, so the last
 * good one is never overwritten by a diverged model. With a time budget the schedule is fitted to the
 * steps that fit in it, measured over the first steps.
 *
 * <p>Every step's draws come from a generator seeded by (seed, step), so a run is deterministic on CPU
 * and a resumed run draws the same batches.
 */
public final class Training {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String CHECKPOINT = "checkpoint";
    static final int MAX_BAD_STEPS = 5;
    static final int RECOVER_STEPS = 200;
    private static final float CLIP_NORM = 100f;
    private static final int TIMING_STEPS = 10;

    /**
     * What to train and how.
     *
     * @param data            labelled dataset folders, sampled together
     * @param init            a model to start from (its weights and shape): a packaged model's name or a model
     *                        folder; null to start from scratch
     * @param captionDropout  share of pairs trained on the empty caption
     * @param supportRate     share of batches trained with one support painting per row (models with support attention)
     * @param augment         whether to augment (colour, texture, geometry)
     * @param budget          wall-time budget of the run, or null for none
     * @param grow            with {@code init}: build this run's network ({@code shape}: width, support attention,
     *                        tokenizer) and copy {@code init}'s weights wherever they fit, instead of taking its shape
     * @param fresh           with {@code grow}: name parts of weights to start afresh even where they fit (e.g.
     *                        {@code text}, {@code cross} for a caption pathway to learn again)
     */
    public record Options(List<Path> data, Path out, DiffusionConfig shape, int steps, int batch, long seed, float learningRate,
            float symmetryWeight, boolean captions, boolean resume, Device device, Duration checkpointEvery, String init,
            float captionDropout, float supportRate, boolean augment, Duration budget, boolean grow, List<String> fresh) {
        public Options {
            if (batch < 2 || batch % 2 != 0) {
                throw new IllegalArgumentException("--batch must be even and at least 2 (paintings are paired with their mirrors)");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("--steps must be at least 1");
            }
            if (captionDropout < 0 || captionDropout > 1 || supportRate < 0 || supportRate > 1) {
                throw new IllegalArgumentException("caption dropout and support rate are shares between 0 and 1");
            }
            data = List.copyOf(data);
            fresh = fresh == null ? List.of() : List.copyOf(fresh);
            if (grow && init == null) {
                throw new IllegalArgumentException("growing a network needs a model to start from (--init)");
            }
            if (data.isEmpty()) {
                throw new IllegalArgumentException("--data names no dataset folder");
            }
        }

        /** One folder, no init, defaults for the rest (captions on, 20% dropout, support in half the batches, augmented). */
        public Options(Path data, Path out, DiffusionConfig shape, int steps, int batch, long seed, float learningRate, float symmetryWeight,
                boolean captions, boolean resume, Device device, Duration checkpointEvery) {
            this(List.of(data), out, shape, steps, batch, seed, learningRate, symmetryWeight, captions, resume, device, checkpointEvery,
                    null, 0.2f, 0.5f, true, null, false, List.of());
        }

        public Options withInit(String model) {
            return new Options(data, out, shape, steps, batch, seed, learningRate, symmetryWeight, captions, resume, device, checkpointEvery,
                    model, captionDropout, supportRate, augment, budget, grow, fresh);
        }

        /** Grow {@code init}'s weights into this run's network, starting the weights named by {@code parts} afresh. */
        public Options growing(List<String> parts) {
            return new Options(data, out, shape, steps, batch, seed, learningRate, symmetryWeight, captions, resume, device, checkpointEvery,
                    init, captionDropout, supportRate, augment, budget, true, parts);
        }

        public Options withRegime(float dropout, float support, boolean augmented) {
            return new Options(data, out, shape, steps, batch, seed, learningRate, symmetryWeight, captions, resume, device, checkpointEvery,
                    init, dropout, support, augmented, budget, grow, fresh);
        }

        public Options withBudget(Duration wallTime) {
            return new Options(data, out, shape, steps, batch, seed, learningRate, symmetryWeight, captions, resume, device, checkpointEvery,
                    init, captionDropout, supportRate, augment, wallTime, grow, fresh);
        }
    }

    /** Progress of a run, reported after every step. */
    public interface Listener {
        void started(int firstStep, int steps, long parameters, int images);

        void step(int step, float loss, float learningRate);

        void checkpoint(int step, Path where);

        /** A step was skipped because its loss or gradient was not finite. */
        default void skipped(int step, String why, float newLearningRate) {
        }

        /** The network was grown from {@code init}; the weights named in {@code fresh} start afresh. */
        default void grown(String init, List<String> fresh) {
        }

        /** The schedule was fitted to the time budget: the run now ends at {@code steps}. */
        default void refitted(int steps) {
        }
    }

    /** How a run ended. */
    public record Outcome(int steps, Duration wallTime, float lastLoss, long parameters, int trainingImages, int skippedSteps) {
    }

    /** The run diverged: the last good checkpoint (if any) is left as it was. */
    public static final class DivergedException extends RuntimeException {
        DivergedException(String message) {
            super(message);
        }
    }

    /** A painting at the model's input size: pixels as bytes (planar RGB), labels, caption tokens, collection. */
    record Sample(String id, byte[] rgb, byte[] labels, int[] tokens, int collection) {
        float[] pixels() {
            float[] out = new float[rgb.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (rgb[i] & 0xff) / 255f;
            }
            return out;
        }
    }

    /** The paintings of a run and which of them share a collection. */
    record Data(List<Sample> samples, List<int[]> collections) {
    }

    private final Options options;
    private final CaptionEnricher enricher;
    private DiffusionConfig shape;

    public Training(Options options, CaptionEnricher enricher) {
        this.options = options;
        this.enricher = enricher;
        this.shape = options.shape();
    }

    /** Reads the labelled images of the dataset folders at the model's input size; unlabelled ones are skipped. */
    static Data load(List<Path> dirs, DiffusionConfig shape, CaptionEnricher enricher) {
        List<Sample> samples = new ArrayList<>();
        Map<String, Integer> collectionIds = new HashMap<>();
        List<List<Integer>> members = new ArrayList<>();
        for (Path dir : dirs) {
            DatasetFolder.requireClasses(dir, shape.classNames());
            List<DatasetFolder.Entry> entries = DatasetFolder.read(dir).stream().filter(e -> e.mask().isPresent()).toList();
            // Decoding and resampling dominate; the order of the samples stays the folder's.
            Sample[] read = new Sample[entries.size()];
            java.util.stream.IntStream.range(0, entries.size()).parallel().forEach(i -> read[i] = sample(entries.get(i), shape, enricher));
            for (int i = 0; i < read.length; i++) {
                String collection = dir.toAbsolutePath() + "#" + entries.get(i).collection().orElse("");
                int c = collectionIds.computeIfAbsent(collection, k -> {
                    members.add(new ArrayList<>());
                    return members.size() - 1;
                });
                members.get(c).add(samples.size());
                Sample s = read[i];
                samples.add(new Sample(s.id(), s.rgb(), s.labels(), s.tokens(), c));
            }
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(dirs + " has no labelled images (masks/<id>.png)");
        }
        return new Data(samples, members.stream().map(m -> m.stream().mapToInt(Integer::intValue).toArray()).toList());
    }

    private static Sample sample(DatasetFolder.Entry entry, DiffusionConfig shape, CaptionEnricher enricher) {
        try {
            BufferedImage image = ImageIO.read(entry.image().toFile());
            int[] size = new int[2];
            byte[] labels = GroundTruth.decode(Files.readAllBytes(entry.mask().get()), size);
            if (image == null || size[0] != image.getWidth() || size[1] != image.getHeight()) {
                throw new IllegalArgumentException("image and mask of " + entry.id() + " are unreadable or differ in size");
            }
            float[] pixels = ModelInput.pixels(image, shape.inputWidth(), shape.inputHeight());
            byte[] rgb = new byte[pixels.length];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = (byte) Math.round(Math.min(1f, Math.max(0f, pixels[i])) * 255f);
            }
            EnrichedCaption caption;
            synchronized (enricher) {
                caption = enrich(enricher, entry.id(), entry.caption());
            }
            return new Sample(entry.id(), rgb, ModelInput.labels(labels, size[0], size[1], shape.inputWidth(), shape.inputHeight(),
                    shape.classes()), CaptionTokens.encode(caption, shape), -1);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + entry.image() + ": " + e.getMessage(), e);
        }
    }

    static EnrichedCaption enrich(CaptionEnricher enricher, String id, String caption) {
        return enricher.enrich(ImageCaptured.newBuilder().setImageId(id).setLineId("training").setScannerId("training")
                .setCapturedAt(Instant.EPOCH).setCaption(caption == null ? "" : caption)
                .setImage(InlineImage.newBuilder().setData(ByteBuffer.allocate(0)).build()).setContentType("image/png").build());
    }

    /** Runs the training; returns after the last step with the model saved in {@code out}. */
    public Outcome run(Listener listener) {
        Instant began = Instant.now();
        Path checkpoint = options.out().resolve(CHECKPOINT);
        int first = 0;
        DiffusionModel model;
        if (options.resume() && Files.isRegularFile(checkpoint.resolve("progress.json"))) {
            model = DiffusionModel.load(checkpoint, options.device());
            first = readProgress(checkpoint);
        } else if (options.init() != null && options.grow()) {
            try (DiffusionModel from = Models.own(options.init(), options.device())) {
                if (!from.config().classNames().equals(shape.classNames())) {
                    throw new IllegalArgumentException("The model to start from segments " + from.config().classNames()
                            + " but the training data has " + shape.classNames() + "; train a new model for these classes instead of --init");
                }
                model = DiffusionModel.create(shape, options.device(), options.seed());
                List<String> fresh = model.transplant(from, options.fresh());
                listener.grown(options.init(), fresh);
            }
        } else if (options.init() != null) {
            model = Models.own(options.init(), options.device());
        } else {
            model = DiffusionModel.create(shape, options.device(), options.seed());
        }
        if (options.init() != null || options.resume()) {
            DiffusionConfig loaded = model.config();
            if (!loaded.classNames().equals(shape.classNames())) {
                model.close();
                throw new IllegalArgumentException("The model to start from segments " + loaded.classNames() + " but the training data has "
                        + shape.classNames() + "; train a new model for these classes instead of --init");
            }
            shape = loaded.renamed(shape.name(), shape.version());
            // Loaded weights are plain arrays; training needs them to collect gradients again.
            model.net().getParameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
        }
        Data data = load(options.data(), shape, enricher);
        int start = first;
        int[] total = {options.steps()};
        NonFinite guard = new NonFinite();
        Tracker schedule = update -> learningRate(start + update, total[0]) * guard.rateFactor();
        float lastLoss = Float.NaN;
        ExecutorService prefetch = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "training-batches");
            t.setDaemon(true);
            return t;
        });
        try (model;
                Trainer trainer = model.model().newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
                        .optOptimizer(Optimizer.adam().optLearningRateTracker(schedule).optWeightDecays(0f).build())
                        .optDevices(new Device[] {options.device()}))) {
            listener.started(first, total[0], model.parameterCount(), data.samples().size());
            Instant lastCheckpoint = Instant.now();
            Instant timing = null;
            NoiseSchedule noise = new NoiseSchedule(shape.timesteps());
            Future<BatchData> next = prefetch.submit(() -> batchData(data, start, noise));
            for (int step = first; step < total[0]; step++) {
                BatchData prepared = next.get();
                int following = step + 1;
                next = prefetch.submit(() -> batchData(data, following, noise));
                String bad = null;
                try (NDManager scope = model.manager().newSubManager()) {
                    Batch batch = prepared.toArrays(scope);
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDList inputs = batch.support == null ? new NDList(batch.images, batch.xt, batch.t, batch.tokens)
                                : new NDList(batch.images, batch.xt, batch.t, batch.tokens, batch.support, batch.supportMask);
                        NDArray logits = trainer.forward(inputs).singletonOrThrow();
                        NDArray loss = loss(logits, batch.onehot, batch.valid);
                        if (batch.support == null && shape.support()) {
                            loss = loss.add(unusedSupportTerm(model, scope));
                        }
                        lastLoss = loss.getFloat();
                        if (!Float.isFinite(lastLoss)) {
                            bad = "the loss is " + lastLoss;
                        } else {
                            collector.backward(loss);
                        }
                    }
                    if (bad == null) {
                        bad = clipGradients(model.net());
                    }
                    if (bad == null) {
                        trainer.step();
                    } else {
                        zeroGradients(model.net());
                    }
                }
                if (bad != null) {
                    if (guard.bad()) {
                        throw new DivergedException("Training diverged: at step " + (step + 1) + " " + bad + ", the " + guard.strikes()
                                + "th non-finite step with fewer than " + RECOVER_STEPS + " good steps between them (each one halved the learning "
                                + "rate, now " + schedule.getNewValue(step - start)
                                + "). Stopped; " + (Files.isRegularFile(checkpoint.resolve("progress.json"))
                                ? "the last good checkpoint in " + checkpoint + " is kept" : "no checkpoint was written")
                                + ". Lower --lr or resume from the checkpoint.");
                    }
                    listener.skipped(step + 1, bad, schedule.getNewValue(step - start));
                    continue;
                }
                guard.good();
                listener.step(step + 1, lastLoss, schedule.getNewValue(step - start));
                if (step - start == 1) {
                    timing = Instant.now();
                }
                if (options.budget() != null && step - start == TIMING_STEPS + 1 && timing != null) {
                    double perStep = Duration.between(timing, Instant.now()).toNanos() / 1e9 / TIMING_STEPS;
                    double left = options.budget().minus(Duration.between(began, Instant.now())).toNanos() / 1e9;
                    int fitted = Math.max(step + 2, Math.min(total[0], step + 1 + (int) (left * 0.97 / perStep)));
                    if (fitted < total[0]) {
                        total[0] = fitted;
                        listener.refitted(fitted);
                    }
                }
                boolean due = Duration.between(lastCheckpoint, Instant.now()).compareTo(options.checkpointEvery()) >= 0;
                if (due && step + 1 < total[0]) {
                    saveCheckpoint(model, checkpoint, step + 1, total[0]);
                    listener.checkpoint(step + 1, checkpoint);
                    lastCheckpoint = Instant.now();
                }
            }
            requireFinite(model.net(), "the final model");
            model.save(options.out(), shape);
            saveCheckpoint(model, checkpoint, total[0], total[0]);
            return new Outcome(total[0] - first, Duration.between(began, Instant.now()), lastLoss, model.parameterCount(),
                    data.samples().size(), guard.skipped());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Training was interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            prefetch.shutdownNow();
        }
    }

    /**
     * The policy for steps whose loss or gradient is not finite: each one is a strike that halves the learning
     * rate; {@value #RECOVER_STEPS} good steps in a row take a strike back and double the rate again;
     * {@value #MAX_BAD_STEPS} strikes standing mean the run has diverged.
     */
    static final class NonFinite {
        private int skipped;
        private int strikes;
        private int goodRun;
        private float rateFactor = 1f;

        /** Records a bad step; true when the run must stop. */
        boolean bad() {
            skipped++;
            strikes++;
            goodRun = 0;
            rateFactor /= 2;
            return strikes >= MAX_BAD_STEPS;
        }

        void good() {
            if (strikes > 0 && ++goodRun >= RECOVER_STEPS) {
                strikes--;
                goodRun = 0;
                rateFactor *= 2;
            }
        }

        float rateFactor() {
            return rateFactor;
        }

        int strikes() {
            return strikes;
        }

        int skipped() {
            return skipped;
        }
    }

    /**
     * Zero times the support-only weights: a batch without support paintings leaves those weights out of
     * the graph, and the engine then hands the optimizer an undefined gradient for them (uninitialised
     * memory; it made the weights garbage and, through them, later gradients non-finite). With this term
     * their gradient is a defined zero.
     */
    private static NDArray unusedSupportTerm(DiffusionModel model, NDManager scope) {
        NDArray term = null;
        for (var p : model.net().getParameters()) {
            if (p.getKey().contains("support")) {
                NDArray sum = p.getValue().getArray().sum();
                // Made from a weight, it would belong to the model's manager: keep it in the step's scope.
                sum.attach(scope);
                NDArray part = sum.mul(0f);
                term = term == null ? part : term.add(part);
            }
        }
        return term;
    }

    /**
     * Scales the gradients to a global norm of at most {@link #CLIP_NORM}; returns why they are unusable, or
     * null. Every array made here is closed here: gradient handles and their reductions belong to the
     * model's manager and would otherwise live as long as the model (a leak of a few arrays per parameter
     * and step).
     */
    static String clipGradients(ai.djl.nn.Block model) {
        double sum = 0;
        List<NDArray> gradients = new ArrayList<>();
        try {
            for (var p : model.getParameters()) {
                NDArray g = p.getValue().getArray().getGradient();
                gradients.add(g);
                float largest;
                try (NDArray abs = g.abs(); NDArray max = abs.max()) {
                    largest = max.getFloat();
                }
                if (!Float.isFinite(largest)) {
                    long nan;
                    long inf;
                    try (NDArray n = g.isNaN(); NDArray ns = n.sum(); NDArray i = g.isInfinite(); NDArray is = i.sum()) {
                        nan = ns.getLong();
                        inf = is.getLong();
                    }
                    return "the gradient of " + p.getKey() + " is not finite (" + nan + " NaN, " + inf + " infinite of " + g.size() + ")";
                }
                if (largest > 0) {
                    // Scaled by the largest value first: the squares of a huge but finite gradient overflow a float.
                    try (NDArray scaled = g.div(largest); NDArray square = scaled.square(); NDArray total = square.sum()) {
                        sum += total.getFloat() * (double) largest * largest;
                    }
                }
            }
            double norm = Math.sqrt(sum);
            if (norm > CLIP_NORM) {
                float scale = (float) (CLIP_NORM / norm);
                for (NDArray g : gradients) {
                    g.muli(scale);
                }
            }
            return null;
        } finally {
            gradients.forEach(NDArray::close);
        }
    }

    /**
     * Sets every gradient to zero. The engine zeroes a gradient only in the optimizer's update, and a
     * backward pass adds to what is there: after a skipped step the next one would start from the bad
     * gradient (so every later step failed too). Written in place, since subtracting a non-finite
     * gradient from itself gives NaN, not zero.
     */
    static void zeroGradients(ai.djl.nn.Block model) {
        for (var p : model.getParameters()) {
            try (NDArray g = p.getValue().getArray().getGradient()) {
                g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
            }
        }
    }

    static void requireFinite(ai.djl.nn.Block model, String what) {
        for (var e : model.getParameters()) {
            float total;
            try (NDArray abs = e.getValue().getArray().abs(); NDArray sum = abs.sum()) {
                total = sum.getFloat();
            }
            if (!Float.isFinite(total)) {
                throw new DivergedException("Training diverged: " + what + " has non-finite weights in " + e.getKey()
                        + "; nothing was saved over the last good checkpoint");
            }
        }
    }

    private float learningRate(int step, int steps) {
        int warmUp = Math.min(200, steps / 10);
        if (step < warmUp) {
            return options.learningRate() * (step + 1) / warmUp;
        }
        double progress = (double) (step - warmUp) / Math.max(1, steps - warmUp);
        return (float) (options.learningRate() * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)))));
    }

    private record Batch(NDArray images, NDArray xt, NDArray t, NDArray tokens, NDArray onehot, NDArray valid, NDArray support,
            NDArray supportMask) {
    }

    /** A batch as plain arrays, built off the training thread. */
    private record BatchData(int b, float[] images, float[] xt, float[] t, int[] tokens, float[] onehot, float[] valid, float[] support,
            float[] supportMask, DiffusionConfig s) {
        Batch toArrays(NDManager m) {
            int h = s.inputHeight();
            int w = s.inputWidth();
            int k = s.classes();
            return new Batch(m.create(images, new Shape(b, 3, h, w)), m.create(xt, new Shape(b, k, s.maskHeight(), s.maskWidth())),
                    m.create(t), m.create(tokens, new Shape(b, s.maxTokens())), m.create(onehot, new Shape(b, k, h, w)),
                    m.create(valid, new Shape(b, 1, h, w)), support == null ? null : m.create(support, new Shape(b, 3, h, w)),
                    support == null ? null : m.create(supportMask, new Shape(b, k, h / 8, w / 8)));
        }
    }

    private BatchData batchData(Data data, int step, NoiseSchedule noise) {
        DiffusionConfig s = shape;
        List<Sample> samples = data.samples();
        Random random = new Random(options.seed() * 1_000_003L + step);
        int b = options.batch();
        int half = b / 2;
        int w = s.inputWidth();
        int h = s.inputHeight();
        int k = s.classes();
        int mw = s.maskWidth();
        int mh = s.maskHeight();
        boolean withSupport = s.support() && random.nextFloat() < options.supportRate();
        float[] images = new float[b * 3 * w * h];
        float[] onehot = new float[b * k * w * h];
        float[] valid = new float[b * w * h];
        float[] xt = new float[b * k * mw * mh];
        float[] t = new float[b];
        int[] tokens = new int[b * s.maxTokens()];
        float[] support = withSupport ? new float[b * 3 * w * h] : null;
        float[] supportMask = withSupport ? new float[b * k * (w / 8) * (h / 8)] : null;
        for (int pair = 0; pair < half; pair++) {
            int index = random.nextInt(samples.size());
            Sample sample = samples.get(index);
            float[] rgb = sample.pixels();
            byte[] labels = sample.labels().clone();
            long colourSeed = random.nextLong();
            if (options.augment()) {
                if (random.nextFloat() < 0.6f) {
                    Augment.geometry(rgb, labels, w, h, random);
                }
                Augment.colour(rgb, labels, w, h, new Random(colourSeed));
            }
            float[] supportRgb = null;
            byte[] supportLabels = null;
            if (withSupport) {
                int[] members = data.collections().get(sample.collection());
                int other = members.length > 1 ? members[random.nextInt(members.length)] : index;
                if (other == index && members.length > 1) {
                    other = members[(java.util.Arrays.binarySearch(members, index) + 1) % members.length];
                }
                Sample supportSample = samples.get(other);
                supportRgb = supportSample.pixels();
                supportLabels = supportSample.labels().clone();
                if (options.augment()) {
                    // Its own framing, the query's colours: what the collection shares survives augmentation.
                    Augment.geometry(supportRgb, supportLabels, w, h, random);
                    Augment.colour(supportRgb, supportLabels, w, h, new Random(colourSeed));
                }
            }
            boolean dropCaption = !options.captions() || random.nextFloat() < options.captionDropout();
            int timestep = timestep(random, s.timesteps());
            double a = noise.alphaBar(timestep);
            float[] eps = new float[k * mw * mh];
            for (int i = 0; i < eps.length; i++) {
                eps[i] = (float) random.nextGaussian();
            }
            for (int mirror = 0; mirror < 2; mirror++) {
                int row = pair + mirror * half;
                t[row] = (float) timestep / s.timesteps();
                if (dropCaption) {
                    tokens[row * s.maxTokens()] = CaptionTokens.START;
                } else {
                    System.arraycopy(sample.tokens(), 0, tokens, row * s.maxTokens(), s.maxTokens());
                }
                float[] x0 = new float[k * mw * mh];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int sx = mirror == 0 ? x : w - 1 - x;
                        for (int c = 0; c < 3; c++) {
                            images[((row * 3 + c) * h + y) * w + x] = rgb[(c * h + y) * w + sx];
                        }
                        int label = labels[y * w + sx] & 0xff;
                        if (label < k) {
                            onehot[((row * k + label) * h + y) * w + x] = 1f;
                            valid[(row * h + y) * w + x] = 1f;
                            x0[(label * mh + y / 2) * mw + x / 2] += 0.25f;
                        }
                        if (supportRgb != null) {
                            for (int c = 0; c < 3; c++) {
                                support[((row * 3 + c) * h + y) * w + x] = supportRgb[(c * h + y) * w + sx];
                            }
                            int sl = supportLabels[y * w + sx] & 0xff;
                            if (sl < k) {
                                supportMask[((row * k + sl) * (h / 8) + y / 8) * (w / 8) + x / 8] += 1f / 64;
                            }
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
        return new BatchData(b, images, xt, t, tokens, onehot, valid, support, supportMask, s);
    }

    /**
     * A training timestep, drawn more often where the mask is drowned in noise: t/T = 1 − (1 − u)², so 58% of
     * the draws lie above 2T/3 and 18% below T/3. Below T/3 the noisy mask still shows the answer and the
     * network mostly learns to copy it; above, it has to read the painting, which is what the first sampling
     * steps ask of it.
     */
    static int timestep(Random random, int timesteps) {
        double u = random.nextDouble();
        return Math.min(timesteps - 1, (int) (timesteps * (1 - (1 - u) * (1 - u))));
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

    private void saveCheckpoint(DiffusionModel model, Path dir, int step, int steps) {
        requireFinite(model.net(), "the checkpoint at step " + step);
        model.save(dir, shape);
        try {
            Files.writeString(dir.resolve("progress.json"), JSON.writeValueAsString(Map.of("step", step, "seed", options.seed(),
                    "steps", steps, "batch", options.batch())));
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

package io.segline.cli;

import io.segline.caption.CaptionEnricher;
import io.segline.config.SeglineConfig.Keys;
import io.segline.dataset.DatasetFolder;
import io.segline.dataset.Painter;
import io.segline.dataset.SynthWriter;
import io.segline.model.diffusion.DiffusionConfig;
import io.segline.model.diffusion.DiffusionModel;
import io.segline.model.diffusion.ImagePathwayTraining;
import io.segline.model.diffusion.Training;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segline train}: trains the diffusion segmenter on a labelled dataset folder. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the diffusion segmenter (SpiritNet) on labelled dataset folders and save it as a model folder,",
            "from scratch or, with --init, by fine-tuning a shipped model on a few paintings of your own collection.",
            "The caption is enriched as the line does (segline.enrichment); every painting is paired with its mirror for",
            "the symmetry loss; a share of the captions is dropped so a capture without one costs nothing; on models with",
            "support attention half the batches show each painting one annotated painting of its collection.",
            "Checkpoints go to OUT/checkpoint every few minutes; --resume continues from there. A step whose loss or",
            "gradient is not finite is skipped and the learning rate halved; 200 good steps in a row restore it, and 5 such",
            "steps without 200 good ones between them stop the run, keeping the last good checkpoint (a checkpoint is only",
            "written when every weight is finite).",
            "At the end the model is evaluated on a held-out set (OUT/held-out-evaluation): by default paintings of the",
            "atelier painter, which no training set of segline's uses, or your own folder with --held-out-dataset.",
            "With --image-pathway --init MODEL it trains only the image pathway that G4Seg refinement regenerates paintings",
            "with (segline.refiner=g4seg), leaving the segmenter's weights as they are, and saves the model with it to --out.",
            "Examples:",
            "  segline dataset synth --painter composer --out train --count 6000 --seed 11",
            "  segline train --data train --out models/mine --steps 12000",
            "  segline train --init spirit-g --data my-8-paintings --out my-model --minutes 15 --held-out-dataset my-test-set",
            "  segline train --image-pathway --init my-model --data train --out my-model --steps 1500 --batch 16"})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", split = ",",
            description = "Dataset folder with images/, masks/, captions.jsonl and classes.json; repeatable (or comma-separated):"
                    + " the folders are sampled together and must have the same classes.")
    List<Path> data;

    @Option(names = "--init", paramLabel = "MODEL",
            description = "Start from this model's weights and shape (a packaged name such as spirit-g, or a model folder):"
                    + " fine-tuning. Its classes must be the data's.")
    String init;

    @Option(names = "--minutes", paramLabel = "M",
            description = "Wall-time budget: after the first steps the schedule is fitted to the steps that fit in M minutes.")
    Double minutes;

    @Option(names = "--caption-dropout", defaultValue = "0.2",
            description = "Share of paintings trained with an empty caption (default: ${DEFAULT-VALUE}).")
    float captionDropout;

    @Option(names = "--support-rate", defaultValue = "0.5",
            description = "Share of batches that show each painting an annotated painting of its collection, for the"
                    + " support-query attention (default: ${DEFAULT-VALUE}).")
    float supportRate;

    @Option(names = "--no-augment", description = "No augmentation (colour, texture, geometry).")
    boolean noAugment;

    @Option(names = "--no-support-attention", description = "Leave the support-query attention out of a new network.")
    boolean noSupport;

    @Option(names = "--out", required = true, paramLabel = "MODEL_DIR", description = "Where the model (model.json, weights.params) goes.")
    Path out;

    @Option(names = "--name", description = "Model name recorded in results (default: the folder's name).")
    String name;

    @Option(names = "--model-version", defaultValue = "1",
            description = "Version recorded in the model and in every result it produces (default: ${DEFAULT-VALUE}).")
    String modelVersion;

    @Option(names = "--steps", defaultValue = "4000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size, even: half paintings, half their mirrors (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for initialization, batches, augmentation and noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--lr", defaultValue = "0.002", description = "Peak learning rate of Adam; warm-up then cosine decay (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--symmetry-weight", defaultValue = "0.2", description = "λ of the symmetry consistency loss, SPIRIT's λ4 (default: ${DEFAULT-VALUE}).")
    float symmetryWeight;

    @Option(names = "--no-symmetry-block", description = "Leave the SyAM-style symmetry block out of the network (ablation).")
    boolean noSymmetryBlock;

    @Option(names = "--blank-captions", description = "Train on empty captions (ablation without caption conditioning).")
    boolean blankCaptions;

    @Option(names = "--width", defaultValue = "16", description = "Channels of the first encoder level (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--resume", description = "Continue from OUT/checkpoint (weights and step; Adam's moments restart).")
    boolean resume;

    @Option(names = "--device", defaultValue = "auto", description = "auto (a GPU when present), cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--checkpoint-minutes", defaultValue = "5", description = "Minutes between checkpoints (default: ${DEFAULT-VALUE}).")
    double checkpointMinutes;

    @Option(names = "--held-out", defaultValue = "60", description = "Paintings of the generated held-out set evaluated at the end; 0 = none (default: ${DEFAULT-VALUE}).")
    int heldOut;

    @Option(names = "--held-out-seed", defaultValue = "977", description = "Generator seed of the held-out set; use one never used for training (default: ${DEFAULT-VALUE}).")
    long heldOutSeed;

    @Option(names = "--held-out-painter", defaultValue = "atelier",
            description = "Painter of the generated held-out set: use one the training data does not come from (default: ${DEFAULT-VALUE}).")
    String heldOutPainter;

    @Option(names = "--held-out-dataset", paramLabel = "DIR", description = "Evaluate on this labelled folder instead of a generated set.")
    Path heldOutDataset;

    @Option(names = "--grow",
            description = "With --init: build this run's network (--width, support attention, the attribute tokenizer) and copy the --init"
                    + " model's weights wherever names and shapes fit, instead of taking its shape; the rest starts fresh.")
    boolean grow;

    @Option(names = "--fresh", split = ",", paramLabel = "PART",
            description = "With --grow: weights whose names contain one of these parts start fresh even where they fit, e.g."
                    + " text,cross to let a caption pathway learn again.")
    List<String> fresh;

    @Option(names = "--image-pathway",
            description = "Train only the image pathway of the --init model (the painting's own denoiser that G4Seg refinement needs) and"
                    + " save the model with it to --out.")
    boolean imagePathway;

    @Option(names = "--pathway-width", defaultValue = "16",
            description = "With --image-pathway: channels of the pathway's first level (default: ${DEFAULT-VALUE}).")
    int pathwayWidth;

    @Mixin
    SettingsOptions settings;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        if (imagePathway) {
            return trainImagePathway();
        }
        PrintWriter o = spec.commandLine().getOut();
        String modelName = name != null ? name : out.toAbsolutePath().getFileName().toString();
        List<String> classes = DatasetFolder.classes(data.get(0));
        DiffusionConfig shape = DiffusionConfig.defaults(modelName).withClasses(classes).withNetwork(width, !noSymmetryBlock, !noSupport)
                .renamed(modelName, modelVersion);
        var config = settings.config(Map.of());
        CaptionEnricher enricher = CaptionEnricher.create(config);
        if (minutes != null && minutes <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--minutes must be positive");
        }
        Training.Options base = new Training.Options(data, out, shape, steps, batch, seed, learningRate, symmetryWeight,
                !blankCaptions, resume, DiffusionModel.device(device), Duration.ofMillis((long) (checkpointMinutes * 60_000)),
                init, captionDropout, supportRate, !noAugment, minutes == null ? null : Duration.ofMillis((long) (minutes * 60_000)), false,
                List.of());
        Training.Options options = grow ? base.growing(fresh == null ? List.of() : fresh) : base;
        Training.Outcome outcome;
        try (Progress progress = new Progress(o, noProgress, (parameters, images) -> String.format(
                "Training %s: %,d parameters, %d labelled images from %s, batch %d, device %s", modelName, parameters, images, data, batch,
                options.device())) {
            @Override
            public void grown(String from, List<String> freshWeights) {
                say("Grown from %s: every weight copied but %d that start fresh: %s", from, freshWeights.size(), String.join(", ", freshWeights));
            }

            @Override
            public void refitted(int total) {
                bar().maxHint(total);
                say("%nTime budget of %.1f min: the schedule now ends at step %d", minutes, total);
            }
        }) {
            outcome = new Training(options, enricher).run(progress);
        }
        o.printf("Trained %d steps in %s (last loss %.4f%s); model saved to %s%n", outcome.steps(), human(outcome.wallTime()),
                outcome.lastLoss(), outcome.skippedSteps() > 0 ? ", " + outcome.skippedSteps() + " non-finite steps skipped" : "", out);
        o.flush();
        if (heldOutDataset != null || heldOut > 0) {
            Path set = heldOutDataset;
            if (set == null) {
                set = Files.createTempDirectory("segline-held-out");
                SynthWriter.write(set, Painter.named(heldOutPainter, 256, 320), heldOut, heldOutSeed, "mixed", () -> { });
                o.printf("Held-out evaluation: %d paintings by the %s painter, seed %d, mixed styles%n", heldOut, heldOutPainter, heldOutSeed);
            } else {
                o.printf("Held-out evaluation on %s%n", set);
            }
            String[] argv = {"--no-progress", "--dataset", set.toString(), "--segmenter", "diffusion",
                "--model", out.toAbsolutePath().toString(), "--device", device, "--report", out.resolve("held-out-evaluation").toString(),
                "--set", Keys.MODEL_BLANK_CAPTIONS + "=" + blankCaptions};
            o.flush();
            // The evaluate verb on its own command line (not the root's, which is busy running this one).
            var cli = new picocli.CommandLine(new EvaluateCommand());
            cli.setOut(o);
            cli.setErr(spec.commandLine().getErr());
            cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                commandLine.getErr().println("segline evaluate: " + e.getMessage());
                return 1;
            });
            int code = cli.execute(argv);
            if (heldOutDataset == null) {
                deleteTree(set);
            }
            return code;
        }
        return 0;
    }

    private int trainImagePathway() {
        PrintWriter o = spec.commandLine().getOut();
        if (init == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--image-pathway needs --init MODEL: the segmenter to give a pathway");
        }
        ImagePathwayTraining.Options options = new ImagePathwayTraining.Options(data, init, out, pathwayWidth, steps, batch, seed, learningRate,
                DiffusionModel.device(device), 0.8f, 32f);
        ImagePathwayTraining.Outcome outcome;
        try (Progress progress = new Progress(o, noProgress, (parameters, images) -> String.format(
                "Training the image pathway of %s: %,d parameters, %d labelled images from %s, batch %d, device %s", init, parameters,
                images, data, batch, options.device()))) {
            outcome = new ImagePathwayTraining(options).run(progress);
        }
        o.printf("Trained the image pathway for %d steps in %s (last loss %.4f%s); model with its pathway saved to %s%n", outcome.steps(),
                human(outcome.wallTime()), outcome.lastLoss(), outcome.skippedSteps() > 0 ? ", " + outcome.skippedSteps()
                + " non-finite steps skipped" : "", out);
        o.flush();
        return 0;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * A run's progress on the terminal: a bar with the loss and learning rate, or without one (a run in the
     * background, a log file) a line every {@value #LOG_EVERY} steps with the mean loss since the last line,
     * the learning rate and the seconds per step; skipped steps and, without a bar, checkpoints are said.
     */
    class Progress implements Training.Listener, AutoCloseable {
        static final int LOG_EVERY = 50;
        private final PrintWriter out;
        private final boolean noBar;
        private final java.util.function.BiFunction<Long, Integer, String> header;
        private ProgressBar bar;
        private double sum;
        private int count;
        private long since = System.nanoTime();

        /** {@code header} makes the first line from the parameter and image counts; the steps are added to it. */
        Progress(PrintWriter out, boolean noBar, java.util.function.BiFunction<Long, Integer, String> header) {
            this.out = out;
            this.noBar = noBar;
            this.header = header;
        }

        final ProgressBar bar() {
            return bar;
        }

        final void say(String format, Object... args) {
            out.printf(java.util.Locale.ROOT, format + "%n", args);
            out.flush();
        }

        @Override
        public void started(int firstStep, int total, long parameters, int images) {
            say("%s; steps %d..%d", header.apply(parameters, images), firstStep, total);
            bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(total).startsFrom(firstStep, Duration.ZERO)
                    .setStyle(ProgressBarStyle.ASCII).showSpeed()
                    .setConsumer(noBar ? new DelegatingProgressBarConsumer(s -> { }) : new ConsoleProgressBarConsumer(System.err))
                    .build();
        }

        @Override
        public void step(int step, float loss, float lr) {
            bar.stepTo(step);
            bar.setExtraMessage(String.format(" loss %.4f lr %.2e", loss, lr));
            if (!noBar) {
                return;
            }
            sum += loss;
            count++;
            if (step % LOG_EVERY == 0) {
                long now = System.nanoTime();
                say("step %d loss %.4f lr %.2e %.2f s/step", step, sum / count, lr, (now - since) / 1e9 / count);
                sum = 0;
                count = 0;
                since = now;
            }
        }

        @Override
        public void checkpoint(int step, Path where) {
            bar.setExtraMessage(" checkpoint at step " + step);
            if (noBar) {
                say("checkpoint at step %d in %s", step, where);
            }
        }

        @Override
        public void skipped(int step, String why, float newRate) {
            say("%nStep %d skipped: %s; learning rate halved to %.2e", step, why, newRate);
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    static String human(Duration d) {
        return String.format("%dh %02dm %02ds", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}

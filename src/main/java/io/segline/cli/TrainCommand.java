package io.segline.cli;

import io.segline.caption.CaptionEnricher;
import io.segline.config.SeglineConfig.Keys;
import io.segline.dataset.SynthWriter;
import io.segline.model.diffusion.DiffusionConfig;
import io.segline.model.diffusion.DiffusionModel;
import io.segline.model.diffusion.Training;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        description = {"Train the diffusion segmenter (SpiritNet) on a labelled dataset folder and save it as a model folder.",
            "The caption is enriched as the line does (segline.enrichment); every painting is paired with its mirror for",
            "the symmetry loss. Checkpoints go to OUT/checkpoint every few minutes; --resume continues from there.",
            "At the end the model is evaluated on a held-out set generated with another seed (OUT/held-out-evaluation).",
            "Example: segline dataset synth --out train --count 2000 --seed 11 && segline train --data train --out models/mine"})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder with images/, masks/ and captions.jsonl.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "MODEL_DIR", description = "Where the model (model.json, weights.params) goes.")
    Path out;

    @Option(names = "--name", description = "Model name recorded in results (default: the folder's name).")
    String name;

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

    @Mixin
    SettingsOptions settings;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        String modelName = name != null ? name : out.toAbsolutePath().getFileName().toString();
        DiffusionConfig d = DiffusionConfig.defaults(modelName);
        DiffusionConfig shape = new DiffusionConfig(d.name(), d.version(), d.inputWidth(), d.inputHeight(), d.classes(),
                d.vocabulary(), d.maxTokens(), width, d.textDim(), !noSymmetryBlock, d.timesteps(), d.samplingSteps(), d.samples());
        var config = settings.config(Map.of());
        CaptionEnricher enricher = CaptionEnricher.create(config);
        Training.Options options = new Training.Options(data, out, shape, steps, batch, seed, learningRate, symmetryWeight,
                !blankCaptions, resume, DiffusionModel.device(device), Duration.ofMillis((long) (checkpointMinutes * 60_000)));
        ProgressBar[] bar = new ProgressBar[1];
        Training.Outcome outcome;
        try {
            outcome = new Training(options, enricher).run(new Training.Listener() {
                @Override
                public void started(int firstStep, int total, long parameters, int images) {
                    o.printf("Training %s: %,d parameters, %d labelled images from %s, steps %d..%d, batch %d, device %s%n",
                            modelName, parameters, images, data, firstStep, total, batch, options.device());
                    o.flush();
                    bar[0] = new ProgressBarBuilder().setTaskName("train").setInitialMax(total).startsFrom(firstStep, Duration.ZERO)
                            .setStyle(ProgressBarStyle.ASCII).showSpeed()
                            .setConsumer(noProgress ? new DelegatingProgressBarConsumer(s -> { }) : new ConsoleProgressBarConsumer(System.err))
                            .build();
                }

                @Override
                public void step(int step, float loss, float lr) {
                    bar[0].stepTo(step);
                    bar[0].setExtraMessage(String.format(" loss %.4f lr %.2e", loss, lr));
                }

                @Override
                public void checkpoint(int step, Path where) {
                    bar[0].setExtraMessage(" checkpoint at step " + step);
                }
            });
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
        o.printf("Trained %d steps in %s (last loss %.4f); model saved to %s%n", outcome.steps(), human(outcome.wallTime()),
                outcome.lastLoss(), out);
        o.flush();
        if (heldOut > 0) {
            Path set = Files.createTempDirectory("segline-held-out");
            SynthWriter.write(set, heldOut, heldOutSeed, "mixed", 256, 320, () -> { });
            String[] argv = {"evaluate", "--no-progress", "--dataset", set.toString(), "--segmenter", "diffusion",
                "--model", out.toAbsolutePath().toString(), "--device", device, "--report", out.resolve("held-out-evaluation").toString(),
                "--set", Keys.MODEL_BLANK_CAPTIONS + "=" + blankCaptions};
            o.printf("Held-out evaluation: %d generated paintings, seed %d, mixed styles%n", heldOut, heldOutSeed);
            o.flush();
            var cli = io.segline.Main.commandLine();
            cli.setOut(o);
            int code = cli.execute(argv);
            deleteTree(set);
            return code;
        }
        return 0;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String human(Duration d) {
        return String.format("%dh %02dm %02ds", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}

package io.segline.cli;

import io.segline.dataset.Painter;
import io.segline.dataset.SynthWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Dataset tools. */
@Command(name = "dataset", mixinStandardHelpOptions = true, description = "Dataset tools.", subcommands = DatasetCommand.Synth.class)
public final class DatasetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** WIDTHxHEIGHT. */
    record Size(int width, int height) {
    }

    static final class SizeConverter implements ITypeConverter<Size> {
        @Override
        public Size convert(String value) {
            String[] parts = value.toLowerCase(java.util.Locale.ROOT).split("x");
            if (parts.length != 2) {
                throw new IllegalArgumentException("size must be WIDTHxHEIGHT, e.g. 256x320, not '" + value + "'");
            }
            return new Size(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        }
    }

    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = {"Generates paintings with exact ground truth in the dataset layout:",
                    "  images/<id>.png, masks/<id>.png (0 background, 1 figure, 2 halo, 3 backlight, 4 lotus),",
                    "  captions.jsonl (id, caption, lineId, style, painter, collection),",
                    "  attributes.jsonl (id, style, painter, truth, stated), classes.json.",
                    "Painters are independent drawing code:",
                    "  thangka   ThangkaSynth, the original generator;",
                    "  composer  randomised compositions and paint, in collections of 12 sharing a",
                    "            workshop's palette; made for training;",
                    "  atelier   a signed-distance painter with historical grounds, mounts and other",
                    "            framings; kept for judging models on a painter their training never saw.",
                    "The same painter, seed, count, style and size always give the same files."})
    static final class Synth implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Folder to write (created if missing).")
        Path out;

        @Option(names = {"-n", "--count"}, defaultValue = "100", description = "Number of paintings (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = {"-s", "--seed"}, defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--painter", defaultValue = "thangka", paramLabel = "NAME",
                description = "thangka, composer or atelier (default: ${DEFAULT-VALUE}).")
        String painter;

        @Option(names = "--style", defaultValue = "mixed",
                description = "clean (shaded), flat (modern flat colour), degraded (faded, cracked, stained, noisy),"
                        + " hidden (composer and atelier: a part faded or lost that only the caption names) or mixed"
                        + " (the painter's own blend; default: ${DEFAULT-VALUE}).")
        String style;

        @Option(names = "--size", defaultValue = "256x320", converter = SizeConverter.class, paramLabel = "WxH",
                description = "Image size in pixels (default: ${DEFAULT-VALUE}).")
        Size size;

        @Option(names = "--no-progress", description = "No progress bar.")
        boolean noProgress;

        @Override
        public Integer call() {
            if (!Painter.STYLES.contains(style)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--style must be one of " + Painter.STYLES + ", not '" + style + "'");
            }
            if (!Painter.NAMES.contains(painter)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--painter must be one of " + Painter.NAMES + ", not '" + painter + "'");
            }
            if (painter.equals("thangka") && style.equals("hidden")) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "the thangka painter has no hidden style; use --painter composer or atelier");
            }
            if (count < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1");
            }
            long t0 = System.nanoTime();
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName("synth").setInitialMax(count).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(noProgress ? new DelegatingProgressBarConsumer(s -> { }) : new ConsoleProgressBarConsumer(System.err))
                    .build()) {
                SynthWriter.write(out, Painter.named(painter, size.width(), size.height()), count, seed, style, bar::step);
            }
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf("Wrote %d %s paintings by %s of about %dx%d (seed %d) to %s in %.1f s%n", count, style, painter, size.width(),
                    size.height(), seed, out, (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }
}

package io.segline.cli;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.dataset.DatasetFolder;
import io.segline.pipeline.EvaluationReport;
import io.segline.pipeline.Evaluator;
import io.segline.quality.GuidedUpsampler;
import io.segline.quality.Measurer;
import io.segline.quality.SegmentationMetrics;
import io.segline.streams.SeglineTopology.Stages;
import io.segline.validate.ImageValidator;
import io.segline.validate.ValidationLimits;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

/** Scores the line's stages on a dataset folder, offline. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Runs the line's stages (the same code as the stream, no broker) on every image of a dataset folder"
                + " and scores the predictions against its masks with SPIRIT's metrics: mIoU, Dice, mAcc, PixAcc,"
                + " macro-AUC, mean boundary F (Csurka et al. 2013, tolerance 0.75%% of the image diagonal), per class, per"
                + " painter and per style (the 'painter' and 'style' fields of captions.jsonl), and the correlation of each"
                + " image's confidence with its mIoU.",
                "Writes report.md, metrics.json, confusion.png and overlays of the worst and best images to --report."})
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-d", "--dataset"}, required = true, paramLabel = "DIR",
            description = "Dataset folder: images/, masks/ (label maps; 255 = ignore), captions.jsonl.")
    Path dataset;

    @Mixin
    ModelOptions model;

    @Option(names = "--blank-captions", description = "Condition the diffusion model on empty captions (ablation without caption conditioning).")
    boolean blankCaptions;

    @Option(names = "--refiner", description = "Refiner to evaluate: none, symmetry, g4seg or g4seg+symmetry (default: the configured one, symmetry).")
    String refiner;

    @Option(names = "--caption-enrichment", description = "Caption enrichment to evaluate (default: the configured one, none).")
    String enrichment;

    @Option(names = "--predictions", paramLabel = "OUT", description = "Also write each predicted label map to OUT/<id>.png.")
    Path predictions;

    @Option(names = "--report", paramLabel = "DIR", defaultValue = "evaluation",
            description = "Folder for report.md, metrics.json, confusion.png and overlays (default: ./${DEFAULT-VALUE}, in the current directory).")
    Path report;

    @Option(names = "--json", description = "End with one line of JSON: mIoU, dice, mAcc, pixAcc, macroAUC, perClassIoU, images.")
    boolean json;

    @Option(names = "--upsampling", paramLabel = "MODE",
            description = "How probabilities reach each image's size before scoring: guided (snapped to the painting's edges, as the line "
                    + "publishes them) or bilinear. Default: segline.output.upsampling, guided.")
    String upsampling;

    @Mixin
    SettingsOptions settings;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() {
        Map<String, String> modes = new LinkedHashMap<>();
        model.putInto(modes);
        if (blankCaptions) {
            modes.put(Keys.MODEL_BLANK_CAPTIONS, "true");
        }
        modes.put(Keys.REFINER, refiner);
        modes.put(Keys.ENRICHMENT, enrichment);
        if (upsampling != null) {
            modes.put(Keys.OUTPUT_UPSAMPLING, upsampling);
        }
        SeglineConfig config = settings.config(modes);
        GuidedUpsampler upsampler = Stages.upsampler(config);
        Stages stages = Stages.from(config);
        ValidationLimits limits = ValidationLimits.from(config);
        // Files on disk are not Kafka records: only the file-size limit applies, not the inline-record one.
        ValidationLimits offline = new ValidationLimits(limits.maxImageBytes(), limits.maxImageBytes(), limits.maxPixels(),
                limits.maxCaptionChars(), limits.claimCheckRoots());
        List<DatasetFolder.Entry> entries = DatasetFolder.read(dataset);
        Evaluator.Outcome outcome;
        try (Evaluator evaluator = new Evaluator(() -> new ImageValidator(offline), stages.enricher(), stages.segmenter(),
                stages.refiner(), Measurer.CLASS_NAMES.size(), upsampler);
                ProgressBar bar = new ProgressBarBuilder().setTaskName("evaluate").setInitialMax(entries.size())
                        .setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(noProgress ? new DelegatingProgressBarConsumer(s -> { }) : new ConsoleProgressBarConsumer(System.err))
                        .build()) {
            outcome = evaluator.evaluate(entries, predictions, bar::step);
        }
        Map<String, SegmentationMetrics.Result> rows = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        SegmentationMetrics.Result overall = outcome.overall().result(Measurer.CLASS_NAMES);
        rows.put("all", overall);
        counts.put("all", outcome.scores().size());
        boolean severalPainters = outcome.byPainter().size() > 1;
        if (severalPainters) {
            outcome.byPainter().forEach((painter, metrics) -> {
                rows.put("painter " + painter, metrics.result(Measurer.CLASS_NAMES));
                counts.put("painter " + painter, (int) outcome.scores().stream().filter(s -> s.painter().equals(painter)).count());
            });
            outcome.byPainterStyle().forEach((key, metrics) -> {
                rows.put(key, metrics.result(Measurer.CLASS_NAMES));
                counts.put(key, (int) outcome.scores().stream().filter(s -> (s.painter() + "/" + s.style()).equals(key)).count());
            });
        } else {
            outcome.byStyle().forEach((style, metrics) -> {
                rows.put(style, metrics.result(Measurer.CLASS_NAMES));
                counts.put(style, (int) outcome.scores().stream().filter(s -> s.style().equals(style)).count());
            });
        }
        String painters = String.join(", ", outcome.byPainter().keySet());
        String title = "Evaluation of " + dataset.getFileName() + " (painter " + painters + "): segmenter " + outcome.segmenter()
                + ", caption enrichment " + outcome.enrichment() + ", refiner " + outcome.refiner() + ", upsampling " + upsampler.mode();
        double correlation = outcome.confidenceCorrelation();
        EvaluationReport.write(report, title, rows, counts, overall, Measurer.CLASS_NAMES, outcome.scores(), outcome.failures());

        PrintWriter out = spec.commandLine().getOut();
        out.println(title);
        out.println();
        out.print(EvaluationReport.summaryTable(rows, counts));
        out.println();
        out.print(EvaluationReport.classTable(overall));
        out.println();
        out.printf("Correlation of per-image confidence with per-image mIoU: %s%n",
                Double.isNaN(correlation) ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f", correlation));
        out.printf("%d image(s) scored, %d without a mask, %d could not be evaluated. Report: %s%n", outcome.scores().size(),
                outcome.unlabelled(), outcome.failures().size(), report.resolve("report.md"));
        outcome.failures().forEach((id, why) -> out.println("  " + id + ": " + why));
        if (json) {
            var line = EvaluationReport.json(overall, outcome.scores().size());
            if (!Double.isNaN(correlation)) {
                line.put("confidenceCorrelation", correlation);
            }
            var perPainter = line.putObject("perPainter");
            outcome.byPainter().forEach((painter, metrics) -> perPainter.set(painter, EvaluationReport.json(metrics.result(Measurer.CLASS_NAMES),
                    (int) outcome.scores().stream().filter(s -> s.painter().equals(painter)).count())));
            out.println(line);
        }
        out.flush();
        return outcome.scores().isEmpty() ? 1 : 0;
    }
}

package io.segline.cli;

import io.segline.pipeline.EvaluationReport;
import io.segline.quality.Measurer;
import io.segline.quality.SegmentationMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes the line's results to a folder. */
@Command(name = "subscribe", mixinStandardHelpOptions = true,
        description = {"Reads masks, quality reports and dead letters (committed transactions only) and writes them to a folder:",
                "  masks/<id>.png      label map, pixel value = class index (0 background, 1 figure, 2 halo, 3 backlight, 4 lotus)",
                "  overlays/<id>.png   the capture with the classes painted over it (when the capture is readable)",
                "  results.jsonl       one JSON object per image: classes, confidence, verdict, latency",
                "  dead-letters.jsonl  one JSON object per refused record, with the reason",
                "Without --follow it stops once it has read what was there when it started."})
public final class SubscribeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true, description = "Folder to write to (created if missing).")
    Path out;

    @Option(names = {"-f", "--follow"}, description = "Keep reading new results until Ctrl-C.")
    boolean follow;

    @Option(names = "--from-beginning", description = "Start at the oldest retained records instead of the newest.")
    boolean fromBeginning;

    @Option(names = "--report", description = "Also summarise the ground-truth metrics that quality reports carry (captures"
            + " produced with masks, e.g. 'segline produce --dataset'): the same table and JSON line as 'segline evaluate',"
            + " from the summed confusion matrices; written to ground-truth.json too. macro-AUC needs probabilities and is offline only.")
    boolean report;

    @Option(names = {"-n", "--count"}, defaultValue = "0",
            description = "Stop after this many images (results plus dead letters); 0 for no limit (default).")
    int count;

    private void printReport(PrintWriter stdout, ResultSubscriber.Summary summary) {
        if (summary.scoredImages() == 0) {
            stdout.println("No quality report carried ground-truth metrics: produce captures with masks (segline produce --dataset DIR).");
            return;
        }
        SegmentationMetrics.Result result = summary.groundTruth().result(Measurer.CLASS_NAMES);
        stdout.println();
        stdout.print(EvaluationReport.summaryTable(Map.of("all", result), Map.of("all", summary.scoredImages())));
        stdout.println();
        stdout.print(EvaluationReport.classTable(result));
        String json = EvaluationReport.json(result, summary.scoredImages()).toString();
        try {
            Files.writeString(out.resolve("ground-truth.json"), json + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stdout.println(json);
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                // Let the loop finish its current poll and close the consumer before the JVM halts.
                done.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "segline-subscribe-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (ResultSubscriber subscriber = new ResultSubscriber(connection.config(), out, fromBeginning)) {
            ResultSubscriber.Summary summary = subscriber.run(count, follow || count > 0, stop::get, line -> {
                stdout.println(line);
                stdout.flush();
            });
            stdout.printf("%d result(s), %d dead letter(s) written to %s%n", summary.results().size(),
                    summary.deadLetters().size(), out);
            if (report) {
                printReport(stdout, summary);
            }
            return 0;
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down.
            }
        }
    }
}

package io.segline.cli;

import io.segline.dataset.DatasetFolder;
import io.segline.records.ImageCaptured;
import io.segline.records.InlineImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Produces captures from a dataset folder or from image files. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Produces captures (image + caption) to the images topic, keyed by image id.",
                "Images up to segline.max.inline.bytes (default 4 MiB) travel inline; larger ones by claim check as a"
                        + " file:// URI, which the line reads only if segline.claim.check.roots allows the folder.",
                "From a dataset folder (images/, optional masks/ as ground truth, captions.jsonl) or from image files."})
public final class ProduceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    static final class Source {
        @Option(names = {"-d", "--dataset"}, paramLabel = "DIR", required = true,
                description = "Dataset folder: images/<id>.png|jpg|tif, optional masks/<id>.png, captions.jsonl with {\"id\",\"caption\",\"lineId\"}.")
        Path dataset;

        @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files (PNG, JPEG, TIFF); the id is the file name without extension.")
        List<Path> images;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--caption", defaultValue = "", description = "Caption for the image files (not used with --dataset).")
    String caption;

    @Option(names = {"-l", "--line-id"}, defaultValue = "line-1",
            description = "Digitization line the captures belong to, unless captions.jsonl names one (default: ${DEFAULT-VALUE}).")
    String lineId;

    @Option(names = "--scanner-id", defaultValue = "segline-cli", description = "Scanner id recorded in each capture (default: ${DEFAULT-VALUE}).")
    String scannerId;

    @Option(names = "--no-progress", description = "No progress bar (for logs and scripts).")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Item> items = new ArrayList<>();
        if (source.dataset != null) {
            for (DatasetFolder.Entry entry : DatasetFolder.read(source.dataset)) {
                items.add(new Item(entry.id(), entry.image(), entry.caption(), entry.lineId().orElse(lineId), entry.mask().orElse(null)));
            }
        } else {
            for (Path image : source.images) {
                String name = image.getFileName().toString();
                String id = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
                items.add(new Item(id, image, caption, lineId, null));
            }
        }
        AtomicInteger failed = new AtomicInteger();
        int inline = 0;
        try (CaptureProducer producer = new CaptureProducer(connection.config());
                ProgressBar bar = new ProgressBarBuilder().setTaskName("produce").setInitialMax(items.size())
                        .setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(noProgress ? new DelegatingProgressBarConsumer(s -> { }) : new ConsoleProgressBarConsumer(System.err))
                        .build()) {
            // One capture in memory at a time: the producer's buffer bounds what waits to be sent.
            for (Item item : items) {
                ImageCaptured capture = producer.capture(item.id(), item.image(), item.caption(), item.lineId(), scannerId, item.mask());
                inline += capture.getImage() instanceof InlineImage ? 1 : 0;
                producer.send(capture, error -> {
                    if (error != null) {
                        failed.incrementAndGet();
                        spec.commandLine().getErr().println("segline: could not produce " + item.id() + ": " + error.getMessage());
                    }
                    bar.step();
                });
            }
            producer.flush();
            out.printf("Produced %d capture(s) to %s: %d inline, %d by claim check%s%n", items.size() - failed.get(),
                    producer.topic(), inline, items.size() - inline, failed.get() > 0 ? "; " + failed.get() + " failed" : "");
        }
        return failed.get() == 0 ? 0 : 1;
    }

    private record Item(String id, Path image, String caption, String lineId, Path mask) {
    }
}

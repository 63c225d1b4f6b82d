package io.segline.quality;

import io.segline.caption.CaptionEnricher;
import io.segline.dataset.DatasetFolder;
import io.segline.model.ClassProbabilities;
import io.segline.model.Segmenter;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.records.InlineImage;
import io.segline.refine.Refiner;
import io.segline.validate.ImageValidator;
import io.segline.validate.ValidationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Offline evaluation: runs the stages of the stream (validate, enrich, segment, refine) on every image of
 * a dataset folder, without a broker, and scores the result against the ground-truth masks with
 * {@link GroundTruth}, overall and per style.
 */
public final class Evaluator implements AutoCloseable {
    private final ImageValidator validator;
    private final CaptionEnricher enricher;
    private final Segmenter segmenter;
    private final Refiner refiner;
    private final int classes;

    /** The stages to run, created here and owned by this evaluator. */
    public Evaluator(Supplier<ImageValidator> validator, Supplier<CaptionEnricher> enricher, Supplier<Segmenter> segmenter,
            Supplier<Refiner> refiner, int classes) {
        this.validator = validator.get();
        this.enricher = enricher.get();
        this.segmenter = segmenter.get();
        this.refiner = refiner.get();
        this.classes = classes;
    }

    /** One image's score, for the report. */
    public record ImageScore(String id, String style, double mIoU, Path image, byte[] predicted, int width, int height) {
    }

    /** Everything an evaluation found. */
    public record Outcome(SegmentationMetrics overall, Map<String, SegmentationMetrics> byStyle, List<ImageScore> scores,
            Map<String, String> failures, int unlabelled, String segmenter, String enrichment, String refiner) {
    }

    /** Evaluates every image; writes predicted label maps to {@code predictions} when it is not null. */
    public Outcome evaluate(List<DatasetFolder.Entry> entries, Path predictions, Runnable progress) {
        SegmentationMetrics overall = new SegmentationMetrics(classes);
        Map<String, SegmentationMetrics> byStyle = new LinkedHashMap<>();
        List<ImageScore> scores = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        int unlabelled = 0;
        try {
            if (predictions != null) {
                Files.createDirectories(predictions);
            }
            for (DatasetFolder.Entry entry : entries) {
                try {
                    ImageCaptured capture = capture(entry);
                    ImageValidator.Decoded decoded = validator.validate(capture);
                    EnrichedCaption caption = enricher.enrich(capture);
                    ClassProbabilities coarse = segmenter.segment(decoded.image(), caption);
                    ClassProbabilities probabilities = refiner.refine(decoded.image(), coarse, caption).probabilities();
                    int w = decoded.image().getWidth();
                    int h = decoded.image().getHeight();
                    if (entry.mask().isEmpty()) {
                        unlabelled++;
                        if (predictions != null) {
                            Files.write(predictions.resolve(entry.id() + ".png"), MaskEncoding.labelMapPng(probabilities.resize(w, h).labels(), w, h));
                        }
                        continue;
                    }
                    int[] size = new int[2];
                    byte[] truth = GroundTruth.decode(Files.readAllBytes(entry.mask().get()), size);
                    if (size[0] != w || size[1] != h) {
                        failures.put(entry.id(), "mask is " + size[0] + "x" + size[1] + " but the image is " + w + "x" + h);
                        continue;
                    }
                    GroundTruth.Scored scored = GroundTruth.score(probabilities, truth, w, h, true);
                    overall.merge(scored.metrics());
                    String style = entry.style().orElse("unspecified");
                    byStyle.computeIfAbsent(style, s -> new SegmentationMetrics(classes)).merge(scored.metrics());
                    scores.add(new ImageScore(entry.id(), style, scored.metrics().result(List.of()).mIoU(), entry.image(),
                            scored.predicted(), w, h));
                    if (predictions != null) {
                        Files.write(predictions.resolve(entry.id() + ".png"), MaskEncoding.labelMapPng(scored.predicted(), w, h));
                    }
                } catch (ValidationException e) {
                    failures.put(entry.id(), "[" + e.reason() + "] " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    failures.put(entry.id(), e.getMessage());
                } finally {
                    progress.run();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Outcome(overall, byStyle, scores, failures, unlabelled, segmenter.name(), enricher.name(), refiner.name());
    }

    private static ImageCaptured capture(DatasetFolder.Entry entry) throws IOException {
        return ImageCaptured.newBuilder()
                .setImageId(entry.id())
                .setLineId(entry.lineId().orElse("offline"))
                .setScannerId("offline")
                .setCapturedAt(Instant.now())
                .setCaption(entry.caption())
                .setImage(InlineImage.newBuilder().setData(ByteBuffer.wrap(Files.readAllBytes(entry.image()))).build())
                .setContentType("image/png")
                .build();
    }

    @Override
    public void close() {
        segmenter.close();
    }
}

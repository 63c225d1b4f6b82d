package io.segline.pipeline;

import io.segline.caption.CaptionEnricher;
import io.segline.dataset.DatasetFolder;
import io.segline.model.ClassProbabilities;
import io.segline.model.Segmenter;
import io.segline.quality.GroundTruth;
import io.segline.quality.GuidedUpsampler;
import io.segline.quality.MaskEncoding;
import io.segline.quality.SegmentationMetrics;
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
    private final Pipeline pipeline;
    private final int classes;
    private final GuidedUpsampler upsampler;

    /** The stages to run, created here and owned by this evaluator; labels are upsampled as the line does by default. */
    public Evaluator(Supplier<ImageValidator> validator, Supplier<CaptionEnricher> enricher, Supplier<Segmenter> segmenter,
            java.util.function.Function<Segmenter, Refiner> refiner, int classes) {
        this(validator, enricher, segmenter, refiner, classes, GuidedUpsampler.defaults());
    }

    /** As above, with the upsampling of probabilities to the images' size that the labels are scored after. */
    public Evaluator(Supplier<ImageValidator> validator, Supplier<CaptionEnricher> enricher, Supplier<Segmenter> segmenter,
            java.util.function.Function<Segmenter, Refiner> refiner, int classes, GuidedUpsampler upsampler) {
        this.validator = validator.get();
        this.enricher = enricher.get();
        this.segmenter = segmenter.get();
        this.refiner = refiner.apply(this.segmenter);
        this.pipeline = new Pipeline(this.segmenter, this.refiner, null);
        this.classes = classes;
        this.upsampler = upsampler;
    }

    /** One image's score, for the report: its mIoU and the segmenter's mean confidence (mean of the per-pixel maximum probability). */
    public record ImageScore(String id, String style, double mIoU, Path image, byte[] predicted, int width, int height, String painter,
            double confidence) {
    }

    /**
     * Everything an evaluation found: overall, by style, by painter (the {@code painter} field of
     * captions.jsonl) and by painter and style together.
     */
    public record Outcome(SegmentationMetrics overall, Map<String, SegmentationMetrics> byStyle, List<ImageScore> scores,
            Map<String, String> failures, int unlabelled, String segmenter, String enrichment, String refiner,
            Map<String, SegmentationMetrics> byPainter, Map<String, SegmentationMetrics> byPainterStyle) {

        /**
         * Pearson correlation of per-image confidence with per-image mIoU: an honest confidence drops where
         * the masks are poor. NaN with fewer than three images or no spread.
         */
        public double confidenceCorrelation() {
            return pearson(scores.stream().mapToDouble(ImageScore::confidence).toArray(), scores.stream().mapToDouble(ImageScore::mIoU).toArray());
        }
    }

    static double pearson(double[] a, double[] b) {
        int n = 0;
        double sa = 0;
        double sb = 0;
        for (int i = 0; i < a.length; i++) {
            if (Double.isFinite(a[i]) && Double.isFinite(b[i])) {
                sa += a[i];
                sb += b[i];
                n++;
            }
        }
        if (n < 3) {
            return Double.NaN;
        }
        double ma = sa / n;
        double mb = sb / n;
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < a.length; i++) {
            if (Double.isFinite(a[i]) && Double.isFinite(b[i])) {
                cov += (a[i] - ma) * (b[i] - mb);
                va += (a[i] - ma) * (a[i] - ma);
                vb += (b[i] - mb) * (b[i] - mb);
            }
        }
        return va == 0 || vb == 0 ? Double.NaN : cov / Math.sqrt(va * vb);
    }

    /** Evaluates every image; writes predicted label maps to {@code predictions} when it is not null. */
    public Outcome evaluate(List<DatasetFolder.Entry> entries, Path predictions, Runnable progress) {
        SegmentationMetrics overall = new SegmentationMetrics(classes);
        Map<String, SegmentationMetrics> byStyle = new LinkedHashMap<>();
        Map<String, SegmentationMetrics> byPainter = new LinkedHashMap<>();
        Map<String, SegmentationMetrics> byPainterStyle = new LinkedHashMap<>();
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
                    // Segment and refine only: the evaluation scores labels itself, at the image's size.
                    Capture item = new Capture(entry.id(), decoded.image(), caption);
                    pipeline.run(List.of(item), Pipeline.QUIET);
                    if (item.failed()) {
                        failures.put(entry.id(), item.failedStage() + ": " + item.failure().getMessage());
                        continue;
                    }
                    ClassProbabilities coarse = item.coarse();
                    ClassProbabilities probabilities = item.refined().probabilities();
                    int w = decoded.image().getWidth();
                    int h = decoded.image().getHeight();
                    byte[] labels = upsampler.labels(probabilities, decoded.image(), w, h).labels();
                    if (entry.mask().isEmpty()) {
                        unlabelled++;
                        if (predictions != null) {
                            Files.write(predictions.resolve(entry.id() + ".png"), MaskEncoding.labelMapPng(labels, w, h));
                        }
                        continue;
                    }
                    int[] size = new int[2];
                    byte[] truth = GroundTruth.decode(Files.readAllBytes(entry.mask().get()), size);
                    if (size[0] != w || size[1] != h) {
                        failures.put(entry.id(), "mask is " + size[0] + "x" + size[1] + " but the image is " + w + "x" + h);
                        continue;
                    }
                    GroundTruth.Scored scored = GroundTruth.score(probabilities, labels, truth, w, h, true);
                    overall.merge(scored.metrics());
                    String style = entry.style().orElse("unspecified");
                    String painter = entry.painter().orElse("unspecified");
                    byStyle.computeIfAbsent(style, s -> new SegmentationMetrics(classes)).merge(scored.metrics());
                    byPainter.computeIfAbsent(painter, s -> new SegmentationMetrics(classes)).merge(scored.metrics());
                    byPainterStyle.computeIfAbsent(painter + "/" + style, s -> new SegmentationMetrics(classes)).merge(scored.metrics());
                    scores.add(new ImageScore(entry.id(), style, scored.metrics().result(List.of()).mIoU(), entry.image(),
                            scored.predicted(), w, h, painter, meanConfidence(coarse)));
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
        return new Outcome(overall, byStyle, scores, failures, unlabelled, segmenter.name(), enricher.name(), refiner.name(), byPainter,
                byPainterStyle);
    }

    private static double meanConfidence(ClassProbabilities p) {
        double sum = 0;
        float[] c = p.confidence();
        for (float v : c) {
            sum += v;
        }
        return c.length == 0 ? Double.NaN : sum / c.length;
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

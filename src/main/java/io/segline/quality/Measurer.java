package io.segline.quality;

import io.segline.model.ClassProbabilities;
import io.segline.records.CaptureQc;
import io.segline.records.ClassMask;
import io.segline.records.GroundTruthMetrics;
import io.segline.records.CocoRle;
import io.segline.records.QualityReport;
import io.segline.records.RefinementSummary;
import io.segline.records.SegmentationResult;
import io.segline.records.Verdict;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The measure stage: turns final probabilities into the published {@link SegmentationResult} (label map
 * at the output size, COCO RLE and statistics per class) and the {@link QualityReport} (confidence,
 * symmetry, verdict and, when the capture carries a ground-truth label map of its size, SPIRIT's metrics
 * scored through {@link GroundTruth}), and capture QC ({@link CaptureQcMeter}) graded against the line's
 * {@link QcProfile}: a measure with 1 star fails the capture, one with 2 stars warns.
 */
public final class Measurer {
    public static final List<String> CLASS_NAMES = List.of("background", "figure", "halo", "backlight", "lotus");

    /** Below this mean confidence a result is a FAIL; below {@link #WARN_CONFIDENCE} a WARN. */
    static final double FAIL_CONFIDENCE = 0.35;
    static final double WARN_CONFIDENCE = 0.55;

    private final int outputMaxSide;
    private final long maxResultBytes;
    private final java.util.function.Function<String, QcProfile> profiles;
    private final GuidedUpsampler upsampler;
    private final ResultClaimCheck claimCheck;

    /** {@code profiles} gives the capture-QC profile of a line; null turns capture QC off. Labels are upsampled guided. */
    public Measurer(int outputMaxSide, long maxResultBytes, java.util.function.Function<String, QcProfile> profiles) {
        this(outputMaxSide, maxResultBytes, profiles, GuidedUpsampler.defaults(), null);
    }

    /**
     * As above, with the upsampling from the segmenter's resolution to the published one, and the folder
     * results too large for a record are claim-checked to (null: such a result is refused with
     * {@link ResultTooLargeException}, which the line dead-letters).
     */
    public Measurer(int outputMaxSide, long maxResultBytes, java.util.function.Function<String, QcProfile> profiles,
            GuidedUpsampler upsampler, java.nio.file.Path claimCheckDir) {
        this.outputMaxSide = outputMaxSide;
        this.maxResultBytes = maxResultBytes;
        this.profiles = profiles;
        this.upsampler = upsampler;
        this.claimCheck = claimCheckDir == null ? null : new ResultClaimCheck(claimCheckDir);
    }

    /** Both outputs of one image, and a small overlay of the mask on the image for people to look at (PNG). */
    public record Measured(SegmentationResult result, QualityReport report, byte[] overlayThumbnail) {
    }

    /** Everything the measure stage needs about one image. */
    public record Input(String imageId, String lineId, java.awt.image.BufferedImage image, ClassProbabilities probabilities,
            RefinementSummary refinement, String captionEnrichment, String segmenter, String modelName, String modelVersion,
            Map<String, Double> stageMillis, byte[] groundTruthPng, Instant capturedAt) {
    }

    public Measured measure(Input in) {
        int imageWidth = in.image().getWidth();
        int imageHeight = in.image().getHeight();
        double scale = Math.min(1.0, (double) outputMaxSide / Math.max(imageWidth, imageHeight));
        int w = Math.max(1, (int) Math.round(imageWidth * scale));
        int h = Math.max(1, (int) Math.round(imageHeight * scale));
        GuidedUpsampler.Labels upsampled = upsampler.labels(in.probabilities(), in.image(), w, h);
        byte[] labels = upsampled.labels();
        long[] area = upsampled.area();
        double[] confidenceSum = upsampled.confidenceSum();
        List<List<Integer>> rle = MaskEncoding.cocoRleAll(labels, w, h, CLASS_NAMES.size());
        double meanConfidence = upsampled.meanConfidence();
        byte[] png = MaskEncoding.labelMapPng(labels, w, h);
        long approximateSize = png.length + rle.stream().mapToLong(counts -> 5L * counts.size()).sum() + 4096;
        String labelMapUri = null;
        String rleUri = null;
        if (approximateSize > maxResultBytes) {
            if (claimCheck == null) {
                throw new ResultTooLargeException("The segmentation result of image " + in.imageId() + " would take about "
                        + approximateSize + " bytes, more than segline.max.record.bytes=" + maxResultBytes
                        + ": set segline.output.claim.check.dir so that large results travel by claim check, lower segline.output.max.side,"
                        + " or raise the record size limits together");
            }
            ResultClaimCheck.Written written = claimCheck.write(png, rle, CLASS_NAMES, w, h);
            labelMapUri = written.labelMapUri();
            rleUri = written.rleUri();
            png = new byte[0];
            rle = rle.stream().map(counts -> List.<Integer>of()).toList();
        }
        List<ClassMask> classes = new ArrayList<>();
        for (int c = 0; c < CLASS_NAMES.size(); c++) {
            classes.add(ClassMask.newBuilder()
                    .setClassIndex(c)
                    .setClassName(CLASS_NAMES.get(c))
                    .setRle(CocoRle.newBuilder().setSize(List.of(h, w)).setCounts(rle.get(c)).build())
                    .setAreaFraction((double) area[c] / labels.length)
                    .setMeanConfidence(area[c] == 0 ? 0 : confidenceSum[c] / area[c])
                    .build());
        }
        Instant now = Instant.now();
        SegmentationResult result = SegmentationResult.newBuilder()
                .setImageId(in.imageId())
                .setLineId(in.lineId())
                .setClassNames(CLASS_NAMES)
                .setWidth(w)
                .setHeight(h)
                .setLabelMapPng(ByteBuffer.wrap(png))
                .setLabelMapUri(labelMapUri)
                .setRleUri(rleUri)
                .setClasses(classes)
                .setMeanConfidence(meanConfidence)
                .setRefinement(in.refinement())
                .setCaptionEnrichment(in.captionEnrichment())
                .setSegmenter(in.segmenter())
                .setModelName(in.modelName())
                .setModelVersion(in.modelVersion())
                .setStageMillis(in.stageMillis())
                .setProducedAt(now)
                .build();

        List<String> reasons = new ArrayList<>();
        Verdict verdict = Verdict.PASS;
        if (meanConfidence < FAIL_CONFIDENCE) {
            verdict = Verdict.FAIL;
            reasons.add(String.format("mean segmentation confidence %.2f is below %.2f", meanConfidence, FAIL_CONFIDENCE));
        } else if (meanConfidence < WARN_CONFIDENCE) {
            verdict = Verdict.WARN;
            reasons.add(String.format("mean segmentation confidence %.2f is below %.2f", meanConfidence, WARN_CONFIDENCE));
        }
        if (area[1] == 0) {
            verdict = Verdict.FAIL;
            reasons.add("no figure was found");
        }
        CaptureQc captureQc = null;
        if (profiles != null) {
            captureQc = new CaptureQcMeter(profiles.apply(in.lineId())).measure(in.image());
            List<String> warnings = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            CaptureQcMeter.reasons(captureQc, warnings, failures);
            if (!failures.isEmpty()) {
                verdict = Verdict.FAIL;
            } else if (!warnings.isEmpty() && verdict == Verdict.PASS) {
                verdict = Verdict.WARN;
            }
            reasons.addAll(failures);
            reasons.addAll(warnings);
        }
        GroundTruthMetrics groundTruth = null;
        if (in.groundTruthPng() != null) {
            int[] size = new int[2];
            byte[] truth = null;
            try {
                truth = GroundTruth.decode(in.groundTruthPng(), size);
            } catch (RuntimeException e) {
                reasons.add("the ground-truth mask is not a readable PNG label map; it was ignored");
            }
            if (truth != null && (size[0] != imageWidth || size[1] != imageHeight)) {
                reasons.add("the ground-truth mask is " + size[0] + "x" + size[1] + " but the image is " + imageWidth
                        + "x" + imageHeight + "; it was ignored");
                truth = null;
            }
            if (truth != null) {
                try {
                    byte[] atTruthSize = w == size[0] && h == size[1] ? labels
                            : upsampler.labels(in.probabilities(), in.image(), size[0], size[1]).labels();
                    groundTruth = GroundTruth.toRecord(GroundTruth.score(in.probabilities(), atTruthSize, truth, size[0], size[1], false)
                            .metrics(), CLASS_NAMES);
                } catch (IllegalArgumentException e) {
                    reasons.add("the ground-truth mask has labels outside the classes (" + e.getMessage() + "); it was ignored");
                }
            }
        }
        QualityReport report = QualityReport.newBuilder()
                .setImageId(in.imageId())
                .setLineId(in.lineId())
                .setVerdict(verdict)
                .setReasons(reasons)
                .setSegmentationConfidence(meanConfidence)
                .setSymmetryScore(symmetry(labels, w, h))
                .setRefinementDelta(in.refinement() == null ? null : in.refinement().getChangedPixelFraction())
                .setCaptureQc(captureQc)
                .setGroundTruth(groundTruth)
                .setLatencyMs(in.capturedAt() == null ? null : (double) (now.toEpochMilli() - in.capturedAt().toEpochMilli()))
                .setClassAreaFractions(areas(classes))
                .setMeasuredAt(now)
                .build();
        return new Measured(result, report, thumbnail(in.image(), labels, w, h));
    }

    static final int THUMBNAIL_SIDE = 160;

    /** The overlay drawn at thumbnail size from labels picked there (nearest) and the painting reduced to it: no scan-sized copy. */
    private static byte[] thumbnail(java.awt.image.BufferedImage image, byte[] labels, int w, int h) {
        double scale = Math.min(1.0, (double) THUMBNAIL_SIDE / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * scale));
        int th = Math.max(1, (int) Math.round(h * scale));
        byte[] small = new byte[tw * th];
        for (int y = 0; y < th; y++) {
            int sy = Math.min(h - 1, (int) ((y + 0.5) * h / th));
            for (int x = 0; x < tw; x++) {
                small[y * tw + x] = labels[sy * w + Math.min(w - 1, (int) ((x + 0.5) * w / tw))];
            }
        }
        java.awt.image.BufferedImage overlay = Overlays.draw(io.segline.imaging.Images.reduce(image, Math.max(tw, th) * 2), small, tw, th);
        try (java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
            javax.imageio.ImageIO.write(overlay, "png", out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Double> areas(List<ClassMask> classes) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        classes.forEach(c -> out.put(c.getClassName(), c.getAreaFraction()));
        return out;
    }

    /** Fraction of non-background pixels whose label equals the label of their mirror about the vertical centre line. */
    static double symmetry(byte[] labels, int w, int h) {
        long foreground = 0;
        long agree = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                byte label = labels[y * w + x];
                if (label != 0) {
                    foreground++;
                    if (labels[y * w + (w - 1 - x)] == label) {
                        agree++;
                    }
                }
            }
        }
        return foreground == 0 ? 0 : (double) agree / foreground;
    }
}

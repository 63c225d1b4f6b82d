package io.segline.monitor;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.records.QualityReport;
import io.segline.records.ReviewRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * Chooses captures for a person to check: every result whose mean confidence is below
 * {@code segline.review.confidence.below} [0.5], plus a random sample of {@code segline.review.sample.rate}
 * [0.02] of all results. The sample is drawn from a hash of the image id, so a replay after a crash picks
 * the same images.
 */
public record ReviewSampler(double confidenceBelow, double sampleRate) {

    public static ReviewSampler from(SeglineConfig config) {
        return new ReviewSampler(Double.parseDouble(config.require(Keys.REVIEW_CONFIDENCE_BELOW)),
                Double.parseDouble(config.require(Keys.REVIEW_SAMPLE_RATE)));
    }

    /** The review request for a report, or null when it need not be reviewed. */
    public ReviewRequest review(QualityReport report) {
        List<String> reasons = new ArrayList<>();
        if (report.getSegmentationConfidence() < confidenceBelow) {
            reasons.add(String.format(Locale.ROOT, "low-confidence (%.2f < %.2f)", report.getSegmentationConfidence(), confidenceBelow));
        }
        if (sampled(report.getImageId())) {
            reasons.add("random-sample");
        }
        if (reasons.isEmpty()) {
            return null;
        }
        return ReviewRequest.newBuilder()
                .setImageId(report.getImageId())
                .setLineId(report.getLineId())
                .setReasons(reasons)
                .setVerdict(report.getVerdict().name())
                .setSegmentationConfidence(report.getSegmentationConfidence())
                .setRequestedAt(Instant.now())
                .build();
    }

    boolean sampled(String imageId) {
        CRC32 crc = new CRC32();
        crc.update(imageId.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() / (double) (1L << 32) < sampleRate;
    }
}

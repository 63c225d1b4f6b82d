package io.segline.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.records.QualityReport;
import io.segline.records.Verdict;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviewSamplerTest {
    private static QualityReport report(String id, double confidence) {
        return QualityReport.newBuilder().setImageId(id).setLineId("l").setVerdict(Verdict.PASS).setReasons(List.of())
                .setSegmentationConfidence(confidence).setMeasuredAt(Instant.EPOCH).build();
    }

    @Test
    void shouldSendEveryLowConfidenceResult() {
        ReviewSampler sampler = new ReviewSampler(0.5, 0);
        assertThat(sampler.review(report("a", 0.49)).getReasons()).containsExactly("low-confidence (0.49 < 0.50)");
        assertThat(sampler.review(report("a", 0.51))).isNull();
    }

    @Test
    void shouldSampleTheConfiguredShareReproducibly() {
        ReviewSampler sampler = new ReviewSampler(0, 0.05);
        int sampled = 0;
        for (int i = 0; i < 20_000; i++) {
            if (sampler.review(report("img-" + i, 0.9)) != null) {
                sampled++;
            }
        }
        assertThat(sampled / 20_000.0).isBetween(0.04, 0.06);
        assertThat(sampler.sampled("img-7")).isEqualTo(new ReviewSampler(0, 0.05).sampled("img-7"));
        assertThat(new ReviewSampler(0, 0).review(report("x", 0.9))).isNull();
        assertThat(new ReviewSampler(0, 1).review(report("x", 0.9)).getReasons()).containsExactly("random-sample");
    }
}

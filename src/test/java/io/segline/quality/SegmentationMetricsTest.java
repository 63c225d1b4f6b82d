package io.segline.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every metric against confusion matrices worked out by hand. */
class SegmentationMetricsTest {
    private static final List<String> NAMES = List.of("background", "figure", "halo");

    private static byte[] labels(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void shouldComputeEveryMetricOfASmallCaseByHand() {
        // truth:     0 0 0 0 1 1 1 2 2 2
        // predicted: 0 0 0 1 1 1 0 2 2 1
        // confusion[t][p]: t0: [3,1,0]  t1: [1,2,0]  t2: [0,1,2]
        SegmentationMetrics metrics = new SegmentationMetrics(3);
        metrics.add(labels(0, 0, 0, 0, 1, 1, 1, 2, 2, 2), labels(0, 0, 0, 1, 1, 1, 0, 2, 2, 1));
        SegmentationMetrics.Result r = metrics.result(NAMES);

        assertThat(r.confusion()).isEqualTo(new long[][] {{3, 1, 0}, {1, 2, 0}, {0, 1, 2}});
        // background: TP 3, FP 1 (a figure pixel), FN 1 -> IoU 3/5, Dice 6/8, Acc 3/4
        // figure:     TP 2, FP 2, FN 1          -> IoU 2/5, Dice 4/7, Acc 2/3
        // halo:       TP 2, FP 0, FN 1          -> IoU 2/3, Dice 4/5, Acc 2/3
        assertThat(r.perClassIoU().get("background")).isCloseTo(3.0 / 5, within(1e-12));
        assertThat(r.perClassIoU().get("figure")).isCloseTo(2.0 / 5, within(1e-12));
        assertThat(r.perClassIoU().get("halo")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(r.mIoU()).isCloseTo((3.0 / 5 + 2.0 / 5 + 2.0 / 3) / 3, within(1e-12));
        assertThat(r.dice()).isCloseTo((6.0 / 8 + 4.0 / 7 + 4.0 / 5) / 3, within(1e-12));
        assertThat(r.mAcc()).isCloseTo((3.0 / 4 + 2.0 / 3 + 2.0 / 3) / 3, within(1e-12));
        assertThat(r.pixAcc()).isCloseTo(7.0 / 10, within(1e-12));
        assertThat(r.labelledPixels()).isEqualTo(10);
        assertThat(r.macroAUC()).isNaN();
    }

    @Test
    void shouldSkipIgnorePixels() {
        SegmentationMetrics metrics = new SegmentationMetrics(3);
        metrics.add(labels(0, 255, 1, 255), labels(0, 2, 1, 1));
        SegmentationMetrics.Result r = metrics.result(NAMES);
        assertThat(r.labelledPixels()).isEqualTo(2);
        assertThat(r.pixAcc()).isEqualTo(1.0);
        assertThat(r.perClassIoU().get("halo")).as("predicted only on ignored pixels").isNaN();
    }

    @Test
    void shouldLeaveClassesAbsentEverywhereOutOfTheMeans() {
        // Halo is in neither truth nor prediction: IoU and Dice means are over background and figure only.
        SegmentationMetrics metrics = new SegmentationMetrics(3);
        metrics.add(labels(0, 0, 1, 1), labels(0, 1, 1, 1));
        SegmentationMetrics.Result r = metrics.result(NAMES);
        assertThat(r.perClassIoU().get("halo")).isNaN();
        assertThat(r.includedClasses()).containsExactly("background", "figure");
        // background IoU 1/2, figure IoU 2/3
        assertThat(r.mIoU()).isCloseTo((0.5 + 2.0 / 3) / 2, within(1e-12));
        // background acc 1/2, figure acc 1
        assertThat(r.mAcc()).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void shouldCountAClassPredictedButAbsentFromTheTruthAsZeroIoUAndKeepItOutOfMAcc() {
        SegmentationMetrics metrics = new SegmentationMetrics(3);
        metrics.add(labels(0, 0, 0, 0), labels(0, 0, 0, 2));
        SegmentationMetrics.Result r = metrics.result(NAMES);
        assertThat(r.perClassIoU().get("halo")).isEqualTo(0.0);
        assertThat(r.mIoU()).isCloseTo((3.0 / 4 + 0) / 2, within(1e-12));
        assertThat(r.perClassAcc().get("halo")).isNaN();
        assertThat(r.mAcc()).isCloseTo(3.0 / 4, within(1e-12));
    }

    @Test
    void shouldScoreAPerfectPredictionAsOne() {
        SegmentationMetrics metrics = new SegmentationMetrics(3);
        byte[] truth = labels(0, 1, 2, 2, 1, 0, 255);
        metrics.add(truth, truth.clone());
        SegmentationMetrics.Result r = metrics.result(NAMES);
        assertThat(r.mIoU()).isEqualTo(1.0);
        assertThat(r.dice()).isEqualTo(1.0);
        assertThat(r.mAcc()).isEqualTo(1.0);
        assertThat(r.pixAcc()).isEqualTo(1.0);
    }

    @Test
    void shouldComputeAucOfASmallCaseByHand() {
        // Two classes, five pixels; class-1 scores: truth 1 at 0.9, 0.4; truth 0 at 0.6, 0.2, 0.4.
        // Pairs (pos, neg): 0.9 beats all 3; 0.4 beats 0.2, ties 0.4, loses to 0.6 -> (3 + 1 + 0.5) / 6 = 0.75.
        // Class 0 is the mirror image (p0 = 1 - p1), so its AUC is also 0.75; macro-AUC 0.75.
        byte[] truth = labels(1, 1, 0, 0, 0);
        float[] p1 = {0.9f, 0.4f, 0.6f, 0.2f, 0.4f};
        float[] p0 = new float[5];
        for (int i = 0; i < 5; i++) {
            p0[i] = 1 - p1[i];
        }
        SegmentationMetrics metrics = new SegmentationMetrics(2);
        metrics.add(truth, labels(1, 0, 1, 0, 0));
        metrics.addProbabilities(truth, new float[][] {p0, p1});
        SegmentationMetrics.Result r = metrics.result(List.of("background", "figure"));
        assertThat(r.perClassAUC().get("figure")).isCloseTo(0.75, within(1e-12));
        assertThat(r.perClassAUC().get("background")).isCloseTo(0.75, within(1e-12));
        assertThat(r.macroAUC()).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void shouldMergeToTheSameResultAsOneAccumulator() {
        SegmentationMetrics all = new SegmentationMetrics(3);
        SegmentationMetrics a = new SegmentationMetrics(3);
        SegmentationMetrics b = new SegmentationMetrics(3);
        byte[] t1 = labels(0, 1, 2, 2);
        byte[] p1 = labels(0, 2, 2, 1);
        byte[] t2 = labels(1, 1, 0, 0);
        byte[] p2 = labels(1, 0, 0, 0);
        all.add(t1, p1);
        all.add(t2, p2);
        a.add(t1, p1);
        b.add(t2, p2);
        a.merge(b);
        assertThat(a.confusion()).isEqualTo(all.confusion());
        assertThat(a.result(NAMES).mIoU()).isEqualTo(all.result(NAMES).mIoU());
        assertThat(a.result(NAMES).perClassIoU()).isEqualTo(all.result(NAMES).perClassIoU());
    }

    @Test
    void shouldRefuseLabelsOutsideTheClasses() {
        assertThatThrownBy(() -> new SegmentationMetrics(3).add(labels(7), labels(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label 7");
    }
}

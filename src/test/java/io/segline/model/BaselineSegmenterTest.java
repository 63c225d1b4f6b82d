package io.segline.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.dataset.ThangkaSynth;
import io.segline.dataset.Painting;
import java.awt.image.BufferedImage;
import java.awt.Graphics2D;
import org.junit.jupiter.api.Test;

class BaselineSegmenterTest {
    private final ThangkaSynth generator = new ThangkaSynth(240, 320);
    private final BaselineSegmenter segmenter = new BaselineSegmenter();

    /** Per-class IoU summed over a set of paintings; classes absent from both are skipped. */
    private static double[] iou(long[][] confusion) {
        double[] iou = new double[confusion.length];
        for (int c = 0; c < confusion.length; c++) {
            long tp = confusion[c][c];
            long fp = 0;
            long fn = 0;
            for (int o = 0; o < confusion.length; o++) {
                if (o != c) {
                    fp += confusion[o][c];
                    fn += confusion[c][o];
                }
            }
            iou[c] = tp + fp + fn == 0 ? Double.NaN : (double) tp / (tp + fp + fn);
        }
        return iou;
    }

    private long[][] confusionOver(int count, boolean predictBackground) {
        long[][] confusion = new long[5][5];
        for (int i = 0; i < count; i++) {
            Painting painting = generator.generate(1000, i, "mixed");
            byte[] predicted = predictBackground ? new byte[painting.labels().length]
                    : segmenter.segment(painting.image(), null).resize(240, 320).labels();
            for (int p = 0; p < predicted.length; p++) {
                confusion[painting.labels()[p]][predicted[p]]++;
            }
        }
        return confusion;
    }

    private static double mean(double[] values) {
        double sum = 0;
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return sum / n;
    }

    @Test
    void shouldFindTheFigureAndBeatPredictingBackgroundEverywhere() {
        double[] baseline = iou(confusionOver(24, false));
        double[] trivial = iou(confusionOver(24, true));
        System.out.printf("baseline per-class IoU %s, mIoU %.3f; all-background mIoU %.3f%n",
                java.util.Arrays.toString(baseline), mean(baseline), mean(trivial));
        assertThat(baseline[1]).as("figure IoU").isGreaterThan(0.4);
        assertThat(mean(baseline)).isGreaterThan(mean(trivial) + 0.2);
    }

    @Test
    void shouldBeDeterministic() {
        Painting painting = generator.generate(42, 0, "clean");
        assertThat(segmenter.segment(painting.image(), null).labels())
                .isEqualTo(new BaselineSegmenter().segment(painting.image(), null).labels());
    }

    @Test
    void shouldProduceNormalisedProbabilitiesOnTheWorkingGrid() {
        ClassProbabilities p = segmenter.segment(generator.generate(7, 0, "clean").image(), null);
        assertThat(Math.max(p.width(), p.height())).isEqualTo(BaselineSegmenter.WORKING_SIDE);
        for (int i = 0; i < p.width() * p.height(); i += 97) {
            float sum = 0;
            for (int c = 0; c < p.classes(); c++) {
                sum += p.planes()[c][i];
            }
            assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void shouldFollowAFigureMovedOffCentre() {
        Painting painting = generator.generate(5, 0, "clean");
        BufferedImage shifted = new BufferedImage(240, 320, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = shifted.createGraphics();
        g.drawImage(painting.image(), 12, 0, null);
        g.drawImage(painting.image().getSubimage(228, 0, 12, 320), 0, 0, null);
        g.dispose();
        float axisCentred = BaselineSegmenter.symmetryAxis(BaselineSegmenter.toLab(BaselineSegmenter.reduce(painting.image())), 96, 128);
        float axisShifted = BaselineSegmenter.symmetryAxis(BaselineSegmenter.toLab(BaselineSegmenter.reduce(shifted)), 96, 128);
        // 12 px of 240 is 4.8 working pixels of 96.
        assertThat(axisShifted - axisCentred).isBetween(3.5f, 6.5f);
    }
}

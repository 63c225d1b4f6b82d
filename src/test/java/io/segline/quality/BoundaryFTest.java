package io.segline.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoundaryFTest {
    /** Blobs of random classes painted over each other, with a few ignore pixels. */
    private static byte[] blobs(Random r, int w, int h, int classes) {
        byte[] labels = new byte[w * h];
        for (int b = 0; b < 6; b++) {
            int cx = r.nextInt(w);
            int cy = r.nextInt(h);
            int rx = 2 + r.nextInt(w / 3);
            int ry = 2 + r.nextInt(h / 3);
            int c = r.nextInt(classes);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double dx = (x - cx) / (double) rx;
                    double dy = (y - cy) / (double) ry;
                    if (dx * dx + dy * dy <= 1) {
                        labels[y * w + x] = (byte) c;
                    }
                }
            }
        }
        return labels;
    }

    /** The boundary pixels of class c, written independently of {@link BoundaryF}. */
    private static List<int[]> boundary(byte[] labels, byte[] truth, int c, int w, int h) {
        List<int[]> points = new ArrayList<>();
        int[][] steps = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (labels[y * w + x] != c || (truth[y * w + x] & 0xff) == 255) {
                    continue;
                }
                for (int[] s : steps) {
                    int nx = x + s[0];
                    int ny = y + s[1];
                    if (nx >= 0 && ny >= 0 && nx < w && ny < h && (truth[ny * w + nx] & 0xff) != 255 && labels[ny * w + nx] != c) {
                        points.add(new int[] {x, y});
                        break;
                    }
                }
            }
        }
        return points;
    }

    private static double share(List<int[]> from, List<int[]> to, double theta) {
        int hits = 0;
        for (int[] p : from) {
            double best = Double.MAX_VALUE;
            for (int[] q : to) {
                best = Math.min(best, Math.hypot(p[0] - q[0], p[1] - q[1]));
            }
            if (best <= theta + 1e-9) {
                hits++;
            }
        }
        return (double) hits / from.size();
    }

    private static double bruteForce(byte[] truth, byte[] predicted, int c, int w, int h, double tolerance) {
        List<int[]> t = boundary(truth, truth, c, w, h);
        List<int[]> p = boundary(predicted, truth, c, w, h);
        if (t.isEmpty() && p.isEmpty()) {
            return Double.NaN;
        }
        if (t.isEmpty() || p.isEmpty()) {
            return 0;
        }
        double theta = tolerance * Math.hypot(w, h);
        double precision = share(p, t, theta);
        double recall = share(t, p, theta);
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    @Test
    void shouldAgreeWithABruteForceRecomputationOnRandomMaps() {
        Random r = new Random(7);
        for (int trial = 0; trial < 25; trial++) {
            int w = 20 + r.nextInt(50);
            int h = 20 + r.nextInt(50);
            byte[] truth = blobs(r, w, h, 5);
            byte[] predicted = blobs(r, w, h, 5);
            for (int i = 0; i < 15; i++) {
                truth[r.nextInt(truth.length)] = (byte) 255;
            }
            double tolerance = trial % 2 == 0 ? BoundaryF.DEFAULT_TOLERANCE : 0.05;
            double[] fast = BoundaryF.perClass(truth, predicted, w, h, 5, tolerance);
            for (int c = 0; c < 5; c++) {
                double expected = bruteForce(truth, predicted, c, w, h, tolerance);
                if (Double.isNaN(expected)) {
                    assertThat(fast[c]).as("trial %d class %d", trial, c).isNaN();
                } else {
                    assertThat(fast[c]).as("trial %d class %d", trial, c).isCloseTo(expected, within(1e-9));
                }
            }
        }
    }

    @Test
    void shouldScoreIdenticalMapsOneAndFarShiftedOnesZero() {
        int w = 100;
        int h = 100;
        byte[] truth = new byte[w * h];
        byte[] shifted = new byte[w * h];
        for (int y = 30; y < 60; y++) {
            for (int x = 30; x < 60; x++) {
                truth[y * w + x] = 1;
                shifted[y * w + x + 10] = 1;
            }
        }
        double[] same = BoundaryF.perClass(truth, truth, w, h, 3, BoundaryF.DEFAULT_TOLERANCE);
        assertThat(same[0]).isEqualTo(1.0);
        assertThat(same[1]).isEqualTo(1.0);
        assertThat(same[2]).as("a class in neither map is not scored").isNaN();
        // Tolerance: 0.75 % of the 141-pixel diagonal, about one pixel; the square's vertical sides moved by 10.
        double[] far = BoundaryF.perClass(truth, shifted, w, h, 3, BoundaryF.DEFAULT_TOLERANCE);
        assertThat(far[1]).isGreaterThan(0.3).isLessThan(0.7);
        byte[] missing = new byte[w * h];
        assertThat(BoundaryF.perClass(truth, missing, w, h, 3, BoundaryF.DEFAULT_TOLERANCE)[1]).isZero();
    }

    @Test
    void shouldAverageBoundaryFOverImagesWithTheClassInTheMetrics() {
        SegmentationMetrics metrics = new SegmentationMetrics(3);
        metrics.addBoundaryScores(new double[] {1.0, 0.5, Double.NaN});
        metrics.addBoundaryScores(new double[] {0.8, Double.NaN, Double.NaN});
        SegmentationMetrics.Result result = metrics.result(List.of("a", "b", "c"));
        assertThat(result.perClassBoundaryF().get("a")).isCloseTo(0.9, within(1e-12));
        assertThat(result.perClassBoundaryF().get("b")).isCloseTo(0.5, within(1e-12));
        assertThat(result.perClassBoundaryF().get("c")).isNaN();
        assertThat(result.boundaryF()).isCloseTo(0.7, within(1e-12));
    }
}

package io.segline.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segline.model.ClassProbabilities;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class GuidedUpsamplerTest {
    /** A painting whose left part (x < edge) is red and the rest blue, with coarse probabilities that blur the edge. */
    private static BufferedImage twoColours(int w, int h, int edge) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, x < edge ? 0xc03020 : 0x2040c0);
            }
        }
        return image;
    }

    /**
     * Probabilities on a grid 16 times coarser whose crossover lies 3 grid cells (48 output pixels) right of
     * the true edge, as a blurred coarse mask would put it.
     */
    private static ClassProbabilities blurred(int gw, int gh, double crossover) {
        float[][] p = new float[2][gw * gh];
        for (int y = 0; y < gh; y++) {
            for (int x = 0; x < gw; x++) {
                float left = (float) (1 / (1 + Math.exp((x + 0.5 - crossover) * 0.8)));
                p[0][y * gw + x] = left;
                p[1][y * gw + x] = 1 - left;
            }
        }
        return new ClassProbabilities(gw, gh, p);
    }

    private static int firstRightColumn(byte[] labels, int w, int row) {
        for (int x = 0; x < w; x++) {
            if (labels[row * w + x] == 1) {
                return x;
            }
        }
        return w;
    }

    @Test
    void shouldSnapTheBoundaryToThePaintingsEdgeWhereBilinearUpsamplingMissesIt() {
        int w = 640;
        int h = 320;
        int edge = 300;
        BufferedImage image = twoColours(w, h, edge);
        ClassProbabilities coarse = blurred(40, 20, edge / 16.0 + 2);

        GuidedUpsampler.Labels bilinear = GuidedUpsampler.bilinear().labels(coarse, image, w, h);
        GuidedUpsampler.Labels guided = GuidedUpsampler.defaults().labels(coarse, image, w, h);

        int bilinearEdge = firstRightColumn(bilinear.labels(), w, h / 2);
        int guidedEdge = firstRightColumn(guided.labels(), w, h / 2);
        assertThat(Math.abs(bilinearEdge - edge)).as("bilinear boundary at %d", bilinearEdge).isGreaterThan(20);
        assertThat(Math.abs(guidedEdge - edge)).as("guided boundary at %d", guidedEdge).isLessThanOrEqualTo(1);
        assertThat(guided.area()[0] + guided.area()[1]).isEqualTo((long) w * h);
        assertThat(guided.meanConfidence()).isBetween(0.5, 1.0);
    }

    @Test
    void shouldLeaveAFlatPaintingToTheProbabilities() {
        int w = 200;
        int h = 100;
        BufferedImage flat = twoColours(w, h, 0);
        ClassProbabilities coarse = blurred(20, 10, 8.0);
        byte[] bilinear = GuidedUpsampler.bilinear().labels(coarse, flat, w, h).labels();
        byte[] guided = GuidedUpsampler.defaults().labels(coarse, flat, w, h).labels();
        int a = firstRightColumn(bilinear, w, h / 2);
        int b = firstRightColumn(guided, w, h / 2);
        assertThat(Math.abs(a - b)).as("without an edge in the painting the boundary stays where the probabilities put it").isLessThanOrEqualTo(2);
    }

    @Test
    void shouldWorkOnAGridCoarserThanTheOutputForLargeScans() {
        int w = 2600;
        int h = 1300;
        int edge = 1210;
        BufferedImage image = twoColours(w, h, edge);
        ClassProbabilities coarse = blurred(40, 20, edge / 65.0 + 1.5);
        GuidedUpsampler.Labels guided = GuidedUpsampler.defaults().labels(coarse, image, w, h);
        int found = firstRightColumn(guided.labels(), w, h / 2);
        assertThat(Math.abs(found - edge)).as("boundary at %d, edge at %d (grid of 1024 px, 3 output pixels a cell)", found, edge)
                .isLessThanOrEqualTo(3);
    }

    @Test
    void shouldRefuseAnUnknownMode() {
        assertThatThrownBy(() -> GuidedUpsampler.forMode("bicubic")).hasMessageContaining("guided, bilinear");
    }
}

package io.segline.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BoxFilterTest {
    @Test
    void shouldEqualTheWindowMeanComputedPixelByPixelIncludingTheClippedBorders() {
        Random r = new Random(3);
        int w = 23;
        int h = 17;
        float[] a = new float[w * h];
        float[] b = new float[w * h];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat();
            b[i] = r.nextFloat() - 0.5f;
        }
        for (int radius : new int[] {0, 1, 4, 30}) {
            float[] mean = BoxFilter.mean(a, w, h, radius);
            float[] product = BoxFilter.meanOfProduct(a, b, w, h, radius);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    double sp = 0;
                    int n = 0;
                    for (int yy = Math.max(0, y - radius); yy <= Math.min(h - 1, y + radius); yy++) {
                        for (int xx = Math.max(0, x - radius); xx <= Math.min(w - 1, x + radius); xx++) {
                            s += a[yy * w + xx];
                            sp += a[yy * w + xx] * b[yy * w + xx];
                            n++;
                        }
                    }
                    assertThat((double) mean[y * w + x]).as("mean r=%d at %d,%d", radius, x, y).isCloseTo(s / n, within(1e-5));
                    assertThat((double) product[y * w + x]).as("product r=%d at %d,%d", radius, x, y).isCloseTo(sp / n, within(1e-5));
                }
            }
        }
    }
}

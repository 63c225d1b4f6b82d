package io.segline.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.segline.dataset.ThangkaSynth;
import io.segline.records.CaptureQc;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each capture-QC measure on images made here with known blur, noise, clipping and cast. */
class CaptureQcMeterTest {
    private final CaptureQcMeter meter = new CaptureQcMeter(QcProfile.defaults());

    private static BufferedImage painting() {
        return new ThangkaSynth(384, 480).generate(3, 1, "clean").image();
    }

    private static BufferedImage gaussianBlur(BufferedImage image, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        int size = 2 * radius + 1;
        float[] row = new float[size];
        float sum = 0;
        for (int i = 0; i < size; i++) {
            row[i] = (float) Math.exp(-(i - radius) * (i - radius) / (2 * sigma * sigma));
            sum += row[i];
        }
        for (int i = 0; i < size; i++) {
            row[i] /= sum;
        }
        BufferedImage horizontal = new ConvolveOp(new Kernel(size, 1, row), ConvolveOp.EDGE_NO_OP, null).filter(image, null);
        return new ConvolveOp(new Kernel(1, size, row), ConvolveOp.EDGE_NO_OP, null).filter(horizontal, null);
    }

    private static BufferedImage filled(int w, int h, Color colour) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    /** The centre, without the margin that a convolution leaves unblurred. */
    private static BufferedImage inner(BufferedImage image) {
        return image.getSubimage(15, 15, image.getWidth() - 30, image.getHeight() - 30);
    }

    @Test
    void shouldFindSharpnessFallingMonotonicallyWithBlurRadius() {
        BufferedImage image = painting();
        double previous = meter.measure(inner(image)).getSharpness();
        int previousStars = 4;
        for (double sigma : new double[] {0.8, 1.5, 2.5, 4}) {
            CaptureQc qc = meter.measure(inner(gaussianBlur(image, sigma)));
            assertThat(qc.getSharpness()).as("sigma %.1f", sigma).isLessThan(previous);
            assertThat(qc.getStars().get("sharpness")).isLessThanOrEqualTo(previousStars);
            previous = qc.getSharpness();
            previousStars = qc.getStars().get("sharpness");
        }
        assertThat(previousStars).as("heavily blurred").isEqualTo(1);
    }

    @Test
    void shouldEstimateAddedGaussianNoise() {
        // A smooth ramp has (almost) no response to the high-pass mask; the noise added is what is measured.
        for (double sigma : new double[] {3, 6, 12}) {
            BufferedImage image = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
            Random random = new Random(1);
            for (int y = 0; y < 300; y++) {
                for (int x = 0; x < 400; x++) {
                    int v = (int) Math.round(60 + x * 0.3 + y * 0.1 + random.nextGaussian() * sigma);
                    v = Math.max(0, Math.min(255, v));
                    image.setRGB(x, y, (v << 16) | (v << 8) | v);
                }
            }
            assertThat(meter.measure(image).getNoise()).as("sigma %.0f", sigma).isCloseTo(sigma, within(sigma * 0.15));
        }
        assertThat(meter.measure(painting()).getNoise()).isLessThan(1.5);
    }

    @Test
    void shouldMeasureClippedShadowsAndHighlights() {
        BufferedImage image = filled(200, 100, new Color(120, 120, 120));
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 20, 100);
        g.setColor(Color.BLACK);
        g.fillRect(180, 0, 10, 100);
        g.dispose();
        CaptureQc qc = meter.measure(image);
        assertThat(qc.getHighlightClipping()).isCloseTo(0.10, within(1e-9));
        assertThat(qc.getShadowClipping()).isCloseTo(0.05, within(1e-9));
        assertThat(qc.getStars().get("highlightClipping")).isEqualTo(1);
        assertThat(qc.getStars().get("shadowClipping")).isEqualTo(2);
        assertThat(meter.measure(painting()).getStars().get("highlightClipping")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void shouldMeasureLuminanceAndColourCastInCielab() {
        CaptureQc grey = meter.measure(filled(64, 64, new Color(119, 119, 119)));
        assertThat(grey.getMeanLuminance()).isCloseTo(50.0, within(0.5));
        assertThat(grey.getColourCastDeltaE()).isLessThan(0.5);
        assertThat(grey.getStars().get("colourCastDeltaE")).isEqualTo(4);
        CaptureQc blue = meter.measure(filled(64, 64, new Color(90, 110, 170)));
        CaptureQc bluer = meter.measure(filled(64, 64, new Color(60, 90, 200)));
        assertThat(blue.getColourCastDeltaE()).isGreaterThan(20);
        assertThat(bluer.getColourCastDeltaE()).isGreaterThan(blue.getColourCastDeltaE());
        assertThat(bluer.getStars().get("colourCastDeltaE")).isEqualTo(1);
        assertThat(meter.measure(filled(64, 64, new Color(250, 250, 250))).getStars().get("meanLuminance")).isLessThanOrEqualTo(2);
    }

    @Test
    void shouldGradeWithAPerLineProfile() {
        var config = io.segline.config.SeglineConfig.of(java.util.Map.of(
                "segline.qc.sharpness.stars", "10,20,30",
                "segline.qc.line.line-b.sharpness.stars", "1000,2000,3000"));
        assertThat(QcProfile.forLine(config, "line-a").sharpness().stars(25)).isEqualTo(3);
        assertThat(QcProfile.forLine(config, "line-b").sharpness().stars(25)).isEqualTo(1);
        assertThat(QcProfile.forLine(config, "line-a").noise()).isEqualTo(QcProfile.defaults().noise());
    }
}

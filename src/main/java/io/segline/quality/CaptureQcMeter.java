package io.segline.quality;

import io.segline.imaging.Cielab;
import io.segline.imaging.Images;
import io.segline.records.CaptureQc;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Capture QC of one image without a test target, in the spirit of FADGI / ISO 19264 image-quality checks:
 *
 * <ul>
 * <li><b>sharpness</b>: variance of the Laplacian of the luminance, computed on the image scaled to a
 *     longest side of {@value #WORKING_SIDE} px so that it does not depend on the scan's resolution;
 *     higher is sharper.</li>
 * <li><b>noise</b>: Immerkær's fast estimate of the standard deviation of Gaussian noise, in 8-bit grey
 *     levels, from the absolute response to a 3x3 high-pass mask that cancels edges and flat ramps
 *     (J. Immerkær, "Fast Noise Variance Estimation", CVIU 64(2), 1996), on a central crop of at most
 *     {@value #NOISE_CROP}² pixels at full resolution.</li>
 * <li><b>shadowClipping / highlightClipping</b>: share of pixels with all three channels at 0-1 / 254-255
 *     (a saturated pigment reaches the end of the range in one channel without losing its tone).</li>
 * <li><b>meanLuminance</b>: mean CIELAB L* (D65).</li>
 * <li><b>colourCastDeltaE</b>: grey-world cast, the CIELAB chroma (ΔE from neutral) of the mean colour.</li>
 * </ul>
 *
 * Stars (1-4) grade each measure against a {@link QcProfile}.
 */
public final class CaptureQcMeter {
    static final int WORKING_SIDE = 512;
    static final int NOISE_CROP = 1024;

    private final QcProfile profile;

    public CaptureQcMeter(QcProfile profile) {
        this.profile = profile;
    }

    /** The measures and their stars. */
    public CaptureQc measure(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        long shadows = 0;
        long highlights = 0;
        double sumR = 0;
        double sumG = 0;
        double sumB = 0;
        double sumL = 0;
        // Sampled on a grid of at most ~1 M pixels, one row at a time: these are means and shares, not details,
        // and a full copy of a large scan's pixels would cost hundreds of megabytes per capture.
        int step = Math.max(1, (int) Math.sqrt((double) w * h / 1_000_000));
        int[] row = new int[w];
        long n = 0;
        for (int y = 0; y < h; y += step) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x += step) {
                int p = row[x];
                int r = (p >> 16) & 0xff;
                int g = (p >> 8) & 0xff;
                int b = p & 0xff;
                // Clipped means no detail left in any channel: a saturated pigment may legitimately reach 0 or 255
                // in one channel, but a pixel at the end of the range in all three has lost its tone.
                if (r <= 1 && g <= 1 && b <= 1) {
                    shadows++;
                }
                if (r >= 254 && g >= 254 && b >= 254) {
                    highlights++;
                }
                sumR += r;
                sumG += g;
                sumB += b;
                sumL += Cielab.lightness(r, g, b);
                n++;
            }
        }
        double[] meanLab = Cielab.of(sumR / n, sumG / n, sumB / n);
        double sharpness = laplacianVariance(grey(scaled(image)));
        double noise = noise(image);
        Map<String, Integer> stars = new LinkedHashMap<>();
        stars.put("sharpness", profile.sharpness().stars(sharpness));
        stars.put("noise", profile.noise().stars(noise));
        stars.put("shadowClipping", profile.shadowClipping().stars((double) shadows / n));
        stars.put("highlightClipping", profile.highlightClipping().stars((double) highlights / n));
        stars.put("meanLuminance", profile.meanLuminance().stars(sumL / n));
        stars.put("colourCastDeltaE", profile.colourCast().stars(Math.hypot(meanLab[1], meanLab[2])));
        return CaptureQc.newBuilder()
                .setSharpness(sharpness)
                .setNoise(noise)
                .setShadowClipping((double) shadows / n)
                .setHighlightClipping((double) highlights / n)
                .setMeanLuminance(sumL / n)
                .setColourCastDeltaE(Math.hypot(meanLab[1], meanLab[2]))
                .setStars(stars)
                .build();
    }

    /** The measures by name, as line health and the API report them. */
    public static Map<String, Double> values(CaptureQc qc) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("sharpness", qc.getSharpness());
        out.put("noise", qc.getNoise());
        out.put("shadowClipping", qc.getShadowClipping());
        out.put("highlightClipping", qc.getHighlightClipping());
        out.put("meanLuminance", qc.getMeanLuminance());
        out.put("colourCastDeltaE", qc.getColourCastDeltaE());
        return out;
    }

    /** Reasons for a verdict: 1 star fails a measure, 2 stars warn. */
    public static List<String> reasons(CaptureQc qc, List<String> warnings, List<String> failures) {
        qc.getStars().forEach((measure, stars) -> {
            if (stars <= 1) {
                failures.add("capture QC: " + measure + " has 1 star of 4");
            } else if (stars == 2) {
                warnings.add("capture QC: " + measure + " has 2 stars of 4");
            }
        });
        return failures;
    }

    private static BufferedImage scaled(BufferedImage image) {
        return Images.reduce(image, WORKING_SIDE);
    }

    private static float[][] grey(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        float[][] out = new float[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = rgb[y * w + x];
                out[y][x] = 0.299f * ((p >> 16) & 0xff) + 0.587f * ((p >> 8) & 0xff) + 0.114f * (p & 0xff);
            }
        }
        return out;
    }

    static double laplacianVariance(float[][] g) {
        int h = g.length;
        int w = g[0].length;
        double sum = 0;
        double sumSq = 0;
        long n = 0;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                double lap = g[y - 1][x] + g[y + 1][x] + g[y][x - 1] + g[y][x + 1] - 4 * g[y][x];
                sum += lap;
                sumSq += lap * lap;
                n++;
            }
        }
        if (n == 0) {
            return 0;
        }
        double mean = sum / n;
        return sumSq / n - mean * mean;
    }

    /** Immerkær's estimator on a central crop at full resolution. */
    static double noise(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int cw = Math.min(w, NOISE_CROP);
        int ch = Math.min(h, NOISE_CROP);
        int x0 = (w - cw) / 2;
        int y0 = (h - ch) / 2;
        if (cw < 3 || ch < 3) {
            return 0;
        }
        int[] rgb = image.getRGB(x0, y0, cw, ch, null, 0, cw);
        float[][] g = new float[ch][cw];
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                int p = rgb[y * cw + x];
                g[y][x] = 0.299f * ((p >> 16) & 0xff) + 0.587f * ((p >> 8) & 0xff) + 0.114f * (p & 0xff);
            }
        }
        double sum = 0;
        for (int y = 1; y < ch - 1; y++) {
            for (int x = 1; x < cw - 1; x++) {
                double v = g[y - 1][x - 1] - 2 * g[y - 1][x] + g[y - 1][x + 1]
                        - 2 * g[y][x - 1] + 4 * g[y][x] - 2 * g[y][x + 1]
                        + g[y + 1][x - 1] - 2 * g[y + 1][x] + g[y + 1][x + 1];
                sum += Math.abs(v);
            }
        }
        return Math.sqrt(Math.PI / 2) * sum / (6.0 * (cw - 2) * (ch - 2));
    }

}

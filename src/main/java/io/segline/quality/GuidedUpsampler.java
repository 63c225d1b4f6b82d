package io.segline.quality;

import io.segline.imaging.BoxFilter;
import io.segline.model.ClassProbabilities;
import java.awt.image.BufferedImage;

/**
 * Label maps at a scan's own resolution from probabilities at a model's working resolution, with class
 * boundaries snapped to the painting's edges by a colour guided filter (He, Sun and Tang, "Guided Image
 * Filtering", ECCV 2010 / TPAMI 2013), computed the fast way (He and Sun, arXiv:1505.00996): the filter's
 * linear coefficients are fitted on a guide of at most {@value #GRID_SIDE} pixels on the long side, where
 * they are smooth, and applied to the full-resolution pixels band by band.
 *
 * <p>Per class c, in every window of radius r of the guide I (RGB in [0,1]), the upsampled probability p_c
 * is fitted as q_c = a_c·I + b_c with a_c = (Σ + εU)⁻¹ cov(I, p_c): where the window holds an edge of the
 * painting, q_c follows the edge; in flat areas it is the smooth probability. r covers the blur of bilinear
 * upsampling (about one working-resolution pixel), ε sets how strong an edge must be to move a boundary.
 *
 * <p>Memory: the output labels (one byte per pixel), the coefficient grid (4 floats per class and grid
 * pixel) and one band of pixel rows; never a full-resolution probability plane. A 60-megapixel scan needs
 * about 60 MB of labels and 20–30 MB of work arrays.
 */
public final class GuidedUpsampler {
    /** Longest side of the grid on which the filter's coefficients are fitted. */
    public static final int GRID_SIDE = 1024;
    private static final int BAND_ROWS = 64;

    private final boolean guided;
    private final float epsilon;
    private final float radiusFactor;

    /** The labels, and per class the pixel count and the summed confidence (probability of the chosen class). */
    public record Labels(byte[] labels, int width, int height, long[] area, double[] confidenceSum) {
        /** Mean confidence over all pixels. */
        public double meanConfidence() {
            double sum = 0;
            for (double v : confidenceSum) {
                sum += v;
            }
            return sum / ((double) width * height);
        }
    }

    /**
     * @param epsilon      the filter's regulariser ε, in units of squared colour (RGB in [0,1]); smaller snaps to
     *                     weaker edges
     * @param radiusFactor window radius in working-resolution pixels (the radius at the output is this times
     *                     the upsampling factor)
     */
    public GuidedUpsampler(float epsilon, float radiusFactor) {
        this(true, epsilon, radiusFactor);
    }

    private GuidedUpsampler(boolean guided, float epsilon, float radiusFactor) {
        if (!(epsilon > 0) || !(radiusFactor > 0)) {
            throw new IllegalArgumentException("epsilon and radius factor must be positive");
        }
        this.guided = guided;
        this.epsilon = epsilon;
        this.radiusFactor = radiusFactor;
    }

    /** ε of {@link #defaults()}. */
    public static final float DEFAULT_EPSILON = 1e-4f;
    /** Window radius of {@link #defaults()}, in working-resolution pixels. */
    public static final float DEFAULT_RADIUS = 6f;

    /** The defaults: ε = {@value #DEFAULT_EPSILON}, a radius of {@value #DEFAULT_RADIUS} working-resolution pixels. */
    public static GuidedUpsampler defaults() {
        return new GuidedUpsampler(DEFAULT_EPSILON, DEFAULT_RADIUS);
    }

    /**
     * Plain bilinear upsampling of the probabilities, then arg-max (the ablation baseline), with the same
     * bounded memory: no full-resolution probability plane is made.
     */
    public static GuidedUpsampler bilinear() {
        return new GuidedUpsampler(false, 1f, 1f);
    }

    /** The upsampling a mode name selects: {@code guided} (the default) or {@code bilinear}. */
    public static GuidedUpsampler forMode(String mode) {
        return forMode(mode, DEFAULT_EPSILON, DEFAULT_RADIUS);
    }

    /** As {@link #forMode(String)}, with the guided filter's ε and radius (in working-resolution pixels). */
    public static GuidedUpsampler forMode(String mode, float epsilon, float radius) {
        return switch (mode) {
            case "guided" -> new GuidedUpsampler(epsilon, radius);
            case "bilinear" -> bilinear();
            default -> throw new IllegalArgumentException("Unknown upsampling '" + mode + "'; available: guided, bilinear");
        };
    }

    /** {@code guided} or {@code bilinear}. */
    public String mode() {
        return guided ? "guided" : "bilinear";
    }

    /**
     * Labels of {@code image} at {@code width × height} (the image's size or a smaller one with its aspect)
     * from probabilities {@code p} at any working resolution.
     */
    public Labels labels(ClassProbabilities p, BufferedImage image, int width, int height) {
        int k = p.classes();
        int f = Math.max(1, (int) Math.ceil(Math.max(width, height) / (double) GRID_SIDE));
        int gw = (width + f - 1) / f;
        int gh = (height + f - 1) / f;
        double scale = Math.max((double) width / p.width(), (double) height / p.height());
        int radius = Math.max(1, (int) Math.round(radiusFactor * scale / f));

        float[][] guide = guided ? gridGuide(image, width, height, f, gw, gh) : null;
        ClassProbabilities onGrid = p.resize(gw, gh);
        float[][] coefficients = guided ? coefficients(guide, onGrid.planes(), gw, gh, radius) : constant(onGrid.planes());

        byte[] labels = new byte[width * height];
        long[] area = new long[k];
        double[] confidenceSum = new double[k];
        int[] row = new int[width];
        float[] q = new float[k];
        double sx = (double) image.getWidth() / width;
        double sy = (double) image.getHeight() / height;
        int[] sourceX = new int[width];
        for (int x = 0; x < width; x++) {
            sourceX[x] = Math.min(image.getWidth() - 1, (int) ((x + 0.5) * sx));
        }
        int[] sourceRow = new int[image.getWidth()];
        for (int y = 0; y < height; y++) {
            int sourceY = Math.min(image.getHeight() - 1, (int) ((y + 0.5) * sy));
            image.getRGB(0, sourceY, image.getWidth(), 1, sourceRow, 0, image.getWidth());
            for (int x = 0; x < width; x++) {
                row[x] = sourceRow[sourceX[x]];
            }
            float gy = Math.max(0, (y + 0.5f) / f - 0.5f);
            int y0 = Math.min((int) gy, gh - 1);
            int y1 = Math.min(y0 + 1, gh - 1);
            float wy = gy - y0;
            for (int x = 0; x < width; x++) {
                float gx = Math.max(0, (x + 0.5f) / f - 0.5f);
                int x0 = Math.min((int) gx, gw - 1);
                int x1 = Math.min(x0 + 1, gw - 1);
                float wx = gx - x0;
                int i00 = y0 * gw + x0;
                int i01 = y0 * gw + x1;
                int i10 = y1 * gw + x0;
                int i11 = y1 * gw + x1;
                float w00 = (1 - wx) * (1 - wy);
                float w01 = wx * (1 - wy);
                float w10 = (1 - wx) * wy;
                float w11 = wx * wy;
                int rgb = row[x];
                float r = ((rgb >> 16) & 0xff) / 255f;
                float g = ((rgb >> 8) & 0xff) / 255f;
                float b = (rgb & 0xff) / 255f;
                int best = 0;
                float bestValue = -Float.MAX_VALUE;
                float total = 0;
                for (int c = 0; c < k; c++) {
                    float[] ar = coefficients[4 * c];
                    float[] ag = coefficients[4 * c + 1];
                    float[] ab = coefficients[4 * c + 2];
                    float[] bb = coefficients[4 * c + 3];
                    float v = r * (ar[i00] * w00 + ar[i01] * w01 + ar[i10] * w10 + ar[i11] * w11)
                            + g * (ag[i00] * w00 + ag[i01] * w01 + ag[i10] * w10 + ag[i11] * w11)
                            + b * (ab[i00] * w00 + ab[i01] * w01 + ab[i10] * w10 + ab[i11] * w11)
                            + (bb[i00] * w00 + bb[i01] * w01 + bb[i10] * w10 + bb[i11] * w11);
                    v = Math.max(0f, v);
                    q[c] = v;
                    total += v;
                    if (v > bestValue) {
                        bestValue = v;
                        best = c;
                    }
                }
                labels[y * width + x] = (byte) best;
                area[best]++;
                confidenceSum[best] += total > 0 ? bestValue / total : 1.0 / k;
            }
        }
        return new Labels(labels, width, height, area, confidenceSum);
    }

    /** Coefficients that give back the probabilities themselves: a = 0, b = p. */
    private static float[][] constant(float[][] p) {
        float[][] out = new float[4 * p.length][];
        float[] zero = new float[p[0].length];
        for (int c = 0; c < p.length; c++) {
            out[4 * c] = zero;
            out[4 * c + 1] = zero;
            out[4 * c + 2] = zero;
            out[4 * c + 3] = p[c];
        }
        return out;
    }

    /** The image averaged over f×f output pixels: RGB planes in [0,1] of the grid. Reads the image in bands of rows. */
    private static float[][] gridGuide(BufferedImage image, int width, int height, int f, int gw, int gh) {
        float[][] guide = new float[3][gw * gh];
        float[] count = new float[gw * gh];
        double sx = (double) image.getWidth() / width;
        double sy = (double) image.getHeight() / height;
        int[] sourceX = new int[width];
        for (int x = 0; x < width; x++) {
            sourceX[x] = Math.min(image.getWidth() - 1, (int) ((x + 0.5) * sx));
        }
        int[] band = new int[image.getWidth() * BAND_ROWS];
        int bandStart = -BAND_ROWS;
        for (int y = 0; y < height; y++) {
            int sourceY = Math.min(image.getHeight() - 1, (int) ((y + 0.5) * sy));
            if (sourceY >= bandStart + BAND_ROWS || sourceY < bandStart) {
                bandStart = sourceY;
                int rows = Math.min(BAND_ROWS, image.getHeight() - bandStart);
                image.getRGB(0, bandStart, image.getWidth(), rows, band, 0, image.getWidth());
            }
            int offset = (sourceY - bandStart) * image.getWidth();
            int gyRow = (y / f) * gw;
            for (int x = 0; x < width; x++) {
                int rgb = band[offset + sourceX[x]];
                int i = gyRow + x / f;
                guide[0][i] += ((rgb >> 16) & 0xff) / 255f;
                guide[1][i] += ((rgb >> 8) & 0xff) / 255f;
                guide[2][i] += (rgb & 0xff) / 255f;
                count[i]++;
            }
        }
        for (int i = 0; i < count.length; i++) {
            for (int c = 0; c < 3; c++) {
                guide[c][i] /= count[i];
            }
        }
        return guide;
    }

    /**
     * The guided filter's coefficients on the grid, already box-averaged: for class c, planes 4c..4c+2 are
     * mean(a_c) per colour channel and 4c+3 is mean(b_c), so that q_c = mean(a_c)·I + mean(b_c).
     */
    private float[][] coefficients(float[][] guide, float[][] p, int w, int h, int r) {
        int n = w * h;
        int k = p.length;
        float[] mr = BoxFilter.mean(guide[0], w, h, r);
        float[] mg = BoxFilter.mean(guide[1], w, h, r);
        float[] mb = BoxFilter.mean(guide[2], w, h, r);
        float[] vrr = BoxFilter.meanOfProduct(guide[0], guide[0], w, h, r);
        float[] vrg = BoxFilter.meanOfProduct(guide[0], guide[1], w, h, r);
        float[] vrb = BoxFilter.meanOfProduct(guide[0], guide[2], w, h, r);
        float[] vgg = BoxFilter.meanOfProduct(guide[1], guide[1], w, h, r);
        float[] vgb = BoxFilter.meanOfProduct(guide[1], guide[2], w, h, r);
        float[] vbb = BoxFilter.meanOfProduct(guide[2], guide[2], w, h, r);
        // The inverse of (Σ + εU) at every grid pixel, symmetric: 6 planes.
        float[][] inverse = new float[6][n];
        for (int i = 0; i < n; i++) {
            double a11 = vrr[i] - mr[i] * mr[i] + epsilon;
            double a12 = vrg[i] - mr[i] * mg[i];
            double a13 = vrb[i] - mr[i] * mb[i];
            double a22 = vgg[i] - mg[i] * mg[i] + epsilon;
            double a23 = vgb[i] - mg[i] * mb[i];
            double a33 = vbb[i] - mb[i] * mb[i] + epsilon;
            double c11 = a22 * a33 - a23 * a23;
            double c12 = a13 * a23 - a12 * a33;
            double c13 = a12 * a23 - a13 * a22;
            double c22 = a11 * a33 - a13 * a13;
            double c23 = a12 * a13 - a11 * a23;
            double c33 = a11 * a22 - a12 * a12;
            double det = a11 * c11 + a12 * c12 + a13 * c13;
            inverse[0][i] = (float) (c11 / det);
            inverse[1][i] = (float) (c12 / det);
            inverse[2][i] = (float) (c13 / det);
            inverse[3][i] = (float) (c22 / det);
            inverse[4][i] = (float) (c23 / det);
            inverse[5][i] = (float) (c33 / det);
        }
        float[][] out = new float[4 * k][];
        float[] ar = new float[n];
        float[] ag = new float[n];
        float[] ab = new float[n];
        float[] bb = new float[n];
        for (int c = 0; c < k; c++) {
            float[] pc = p[c];
            float[] mp = BoxFilter.mean(pc, w, h, r);
            float[] crp = BoxFilter.meanOfProduct(guide[0], pc, w, h, r);
            float[] cgp = BoxFilter.meanOfProduct(guide[1], pc, w, h, r);
            float[] cbp = BoxFilter.meanOfProduct(guide[2], pc, w, h, r);
            for (int i = 0; i < n; i++) {
                float xr = crp[i] - mr[i] * mp[i];
                float xg = cgp[i] - mg[i] * mp[i];
                float xb = cbp[i] - mb[i] * mp[i];
                float a1 = inverse[0][i] * xr + inverse[1][i] * xg + inverse[2][i] * xb;
                float a2 = inverse[1][i] * xr + inverse[3][i] * xg + inverse[4][i] * xb;
                float a3 = inverse[2][i] * xr + inverse[4][i] * xg + inverse[5][i] * xb;
                ar[i] = a1;
                ag[i] = a2;
                ab[i] = a3;
                bb[i] = mp[i] - a1 * mr[i] - a2 * mg[i] - a3 * mb[i];
            }
            out[4 * c] = BoxFilter.mean(ar, w, h, r);
            out[4 * c + 1] = BoxFilter.mean(ag, w, h, r);
            out[4 * c + 2] = BoxFilter.mean(ab, w, h, r);
            out[4 * c + 3] = BoxFilter.mean(bb, w, h, r);
        }
        return out;
    }
}

package io.segline.imaging;

/** sRGB (8-bit, D65) to CIELAB. */
public final class Cielab {
    private static final double[] LINEAR = new double[256];

    static {
        for (int i = 0; i < 256; i++) {
            double c = i / 255.0;
            LINEAR[i] = linear(c);
        }
    }

    private Cielab() {
    }

    private static double linear(double c) {
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static double f(double t) {
        return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16.0 / 116;
    }

    /** The image's pixels as CIELAB planes {@code [L*, a*, b*][y * width + x]}. */
    public static float[][] planes(java.awt.image.BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        float[][] lab = new float[3][w * h];
        for (int i = 0; i < rgb.length; i++) {
            double[] v = of((rgb[i] >> 16) & 0xff, (rgb[i] >> 8) & 0xff, rgb[i] & 0xff);
            lab[0][i] = (float) v[0];
            lab[1][i] = (float) v[1];
            lab[2][i] = (float) v[2];
        }
        return lab;
    }

    /** L*, a*, b* of an sRGB colour with channels in 0..255 (fractional values allowed, e.g. means). */
    public static double[] of(double r, double g, double b) {
        return fromLinear(linear(r / 255), linear(g / 255), linear(b / 255));
    }

    /** L*, a*, b* of an 8-bit sRGB colour, through a table. */
    public static double[] of(int r, int g, int b) {
        return fromLinear(LINEAR[r], LINEAR[g], LINEAR[b]);
    }

    /** L* alone of an 8-bit sRGB colour, through a table. */
    public static double lightness(int r, int g, int b) {
        return 116 * f(0.2126 * LINEAR[r] + 0.7152 * LINEAR[g] + 0.0722 * LINEAR[b]) - 16;
    }

    private static double[] fromLinear(double r, double g, double b) {
        double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        double fx = f(x);
        double fy = f(y);
        double fz = f(z);
        return new double[] {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
    }
}

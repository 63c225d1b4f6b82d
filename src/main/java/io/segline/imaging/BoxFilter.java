package io.segline.imaging;

/**
 * Means over square windows of a float plane in O(1) per pixel (running sums), the building block of the
 * guided filter. Windows are clipped at the borders and divided by the pixels they actually cover.
 */
public final class BoxFilter {
    private BoxFilter() {
    }

    /** The mean of {@code a} over the (2r+1)² window around every pixel of a {@code w × h} plane. */
    public static float[] mean(float[] a, int w, int h, int r) {
        return meanOfProduct(a, null, w, h, r);
    }

    /** The mean of {@code a·b} (of {@code a} when {@code b} is null) over the window around every pixel. */
    public static float[] meanOfProduct(float[] a, float[] b, int w, int h, int r) {
        if (a.length != w * h || (b != null && b.length != w * h) || r < 0) {
            throw new IllegalArgumentException("planes must be " + w + "x" + h + " and the radius non-negative");
        }
        // Horizontal running sums into rows, then vertical running sums of those, in double to keep
        // large planes exact enough.
        double[] rows = new double[w * h];
        for (int y = 0; y < h; y++) {
            int o = y * w;
            double sum = 0;
            int right = Math.min(w - 1, r);
            for (int x = 0; x <= right; x++) {
                sum += value(a, b, o + x);
            }
            for (int x = 0; x < w; x++) {
                rows[o + x] = sum;
                int add = x + r + 1;
                int remove = x - r;
                if (add < w) {
                    sum += value(a, b, o + add);
                }
                if (remove >= 0) {
                    sum -= value(a, b, o + remove);
                }
            }
        }
        float[] out = new float[w * h];
        double[] column = new double[w];
        int bottom = Math.min(h - 1, r);
        for (int y = 0; y <= bottom; y++) {
            for (int x = 0; x < w; x++) {
                column[x] += rows[y * w + x];
            }
        }
        for (int y = 0; y < h; y++) {
            int rowsCovered = Math.min(h - 1, y + r) - Math.max(0, y - r) + 1;
            for (int x = 0; x < w; x++) {
                int colsCovered = Math.min(w - 1, x + r) - Math.max(0, x - r) + 1;
                out[y * w + x] = (float) (column[x] / ((double) rowsCovered * colsCovered));
            }
            int add = y + r + 1;
            int remove = y - r;
            for (int x = 0; x < w; x++) {
                if (add < h) {
                    column[x] += rows[add * w + x];
                }
                if (remove >= 0) {
                    column[x] -= rows[remove * w + x];
                }
            }
        }
        return out;
    }

    private static double value(float[] a, float[] b, int i) {
        return b == null ? a[i] : (double) a[i] * b[i];
    }
}

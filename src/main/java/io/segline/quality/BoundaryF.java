package io.segline.quality;

/**
 * The boundary F-score of one image per class (Csurka, Larlus and Perronnin, "What is a good evaluation
 * measure for semantic segmentation?", BMVC 2013).
 *
 * <p>A pixel is on the boundary of class c in a label map when it has class c and one of its four
 * neighbours has another class (pixels whose truth is 255, ignore, are never boundary pixels and do not
 * make their neighbours boundary pixels; the image border is not a boundary). Precision is the share of
 * predicted boundary pixels within distance θ of a true boundary pixel, recall the share of true
 * boundary pixels within θ of a predicted one, and F = 2PR/(P+R). θ defaults to 0.75 % of the image
 * diagonal. A class with boundary pixels in neither map is not scored for the image (NaN); one with
 * boundary pixels in only one of them scores 0. Distances are exact Euclidean, from the squared distance
 * transform of Felzenszwalb and Huttenlocher (2012), so the cost is linear in the pixels per class.
 */
public final class BoundaryF {
    /** Csurka et al.'s usual tolerance: 0.75 % of the image diagonal. */
    public static final double DEFAULT_TOLERANCE = 0.0075;
    private static final double FAR = 1e20;

    private BoundaryF() {
    }

    /** Per-class boundary F of one image ({@code classes} entries; NaN where the class has no boundary in either map). */
    public static double[] perClass(byte[] truth, byte[] predicted, int width, int height, int classes, double tolerance) {
        if (truth.length != width * height || predicted.length != width * height) {
            throw new IllegalArgumentException("label maps must both have " + width + "x" + height + " pixels");
        }
        double theta = tolerance * Math.hypot(width, height);
        double theta2 = theta * theta;
        double[] f = new double[classes];
        boolean[] truthEdge = new boolean[truth.length];
        boolean[] predictedEdge = new boolean[truth.length];
        for (int c = 0; c < classes; c++) {
            int nt = edges(truth, truth, c, width, height, truthEdge);
            int np = edges(predicted, truth, c, width, height, predictedEdge);
            if (nt == 0 && np == 0) {
                f[c] = Double.NaN;
                continue;
            }
            if (nt == 0 || np == 0) {
                f[c] = 0;
                continue;
            }
            float[] toTruth = squaredDistance(truthEdge, width, height);
            float[] toPredicted = squaredDistance(predictedEdge, width, height);
            int hitP = 0;
            int hitT = 0;
            for (int i = 0; i < truth.length; i++) {
                if (predictedEdge[i] && toTruth[i] <= theta2) {
                    hitP++;
                }
                if (truthEdge[i] && toPredicted[i] <= theta2) {
                    hitT++;
                }
            }
            double precision = (double) hitP / np;
            double recall = (double) hitT / nt;
            f[c] = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        return f;
    }

    /** Marks the boundary pixels of class c in {@code labels} (skipping pixels whose truth is ignore); returns their count. */
    static int edges(byte[] labels, byte[] truth, int c, int w, int h, boolean[] out) {
        int n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                boolean edge = false;
                if ((labels[i] & 0xff) == c && (truth[i] & 0xff) != SegmentationMetrics.IGNORE) {
                    edge = differs(labels, truth, c, x - 1, y, w, h) || differs(labels, truth, c, x + 1, y, w, h)
                            || differs(labels, truth, c, x, y - 1, w, h) || differs(labels, truth, c, x, y + 1, w, h);
                }
                out[i] = edge;
                if (edge) {
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean differs(byte[] labels, byte[] truth, int c, int x, int y, int w, int h) {
        if (x < 0 || y < 0 || x >= w || y >= h) {
            return false;
        }
        int i = y * w + x;
        return (truth[i] & 0xff) != SegmentationMetrics.IGNORE && (labels[i] & 0xff) != c;
    }

    /** Squared Euclidean distance of every pixel to the nearest marked pixel (columns, then rows). */
    static float[] squaredDistance(boolean[] marked, int w, int h) {
        float[] d = new float[w * h];
        double[] column = new double[h];
        double[] out = new double[Math.max(w, h)];
        int[] v = new int[Math.max(w, h)];
        double[] z = new double[Math.max(w, h) + 1];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                column[y] = marked[y * w + x] ? 0 : FAR;
            }
            transform(column, h, out, v, z);
            for (int y = 0; y < h; y++) {
                d[y * w + x] = (float) Math.min(out[y], FAR);
            }
        }
        double[] row = new double[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                row[x] = d[y * w + x];
            }
            transform(row, w, out, v, z);
            for (int x = 0; x < w; x++) {
                d[y * w + x] = (float) out[x];
            }
        }
        return d;
    }

    /** One-dimensional squared distance transform of f (lower envelope of parabolas). */
    private static void transform(double[] f, int n, double[] out, int[] v, double[] z) {
        int k = 0;
        v[0] = 0;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        for (int q = 1; q < n; q++) {
            double s = ((f[q] + (double) q * q) - (f[v[k]] + (double) v[k] * v[k])) / (2.0 * q - 2.0 * v[k]);
            while (s <= z[k]) {
                k--;
                s = ((f[q] + (double) q * q) - (f[v[k]] + (double) v[k] * v[k])) / (2.0 * q - 2.0 * v[k]);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) {
                k++;
            }
            double dq = q - v[k];
            out[q] = dq * dq + f[v[k]];
        }
    }
}

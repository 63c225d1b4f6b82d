package io.segline.model;

/**
 * Per-class probabilities over a pixel grid: {@code p[c][y * width + x]}, summing to 1 over classes at
 * each pixel. The common currency of the segmenters, refiners and the measure stage.
 */
public final class ClassProbabilities {
    private final int width;
    private final int height;
    private final float[][] p;

    public ClassProbabilities(int width, int height, float[][] p) {
        if (p.length == 0 || p[0].length != width * height) {
            throw new IllegalArgumentException("probabilities must be classes x (" + width + "*" + height + ")");
        }
        this.width = width;
        this.height = height;
        this.p = p;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int classes() {
        return p.length;
    }

    public float get(int c, int x, int y) {
        return p[c][y * width + x];
    }

    /** The probability planes; callers must not modify them. */
    public float[][] planes() {
        return p;
    }

    /** The most probable class at each pixel. */
    public byte[] labels() {
        byte[] labels = new byte[width * height];
        float[] best = new float[width * height];
        java.util.Arrays.fill(best, -1f);
        for (int c = 0; c < p.length; c++) {
            float[] plane = p[c];
            for (int i = 0; i < plane.length; i++) {
                if (plane[i] > best[i]) {
                    best[i] = plane[i];
                    labels[i] = (byte) c;
                }
            }
        }
        return labels;
    }

    /** The probability of the most probable class at each pixel (the confidence map). */
    public float[] confidence() {
        float[] best = new float[width * height];
        for (float[] plane : p) {
            for (int i = 0; i < plane.length; i++) {
                best[i] = Math.max(best[i], plane[i]);
            }
        }
        return best;
    }

    /**
     * Bilinearly resampled to another size. Probabilities are resampled, not labels, so class
     * boundaries fall between pixels where the evidence crosses over.
     */
    public ClassProbabilities resize(int newWidth, int newHeight) {
        if (newWidth == width && newHeight == height) {
            return this;
        }
        float[][] out = new float[p.length][newWidth * newHeight];
        float sx = (float) width / newWidth;
        float sy = (float) height / newHeight;
        for (int y = 0; y < newHeight; y++) {
            float fy = Math.max(0, (y + 0.5f) * sy - 0.5f);
            int y0 = Math.min((int) fy, height - 1);
            int y1 = Math.min(y0 + 1, height - 1);
            float wy = fy - y0;
            for (int x = 0; x < newWidth; x++) {
                float fx = Math.max(0, (x + 0.5f) * sx - 0.5f);
                int x0 = Math.min((int) fx, width - 1);
                int x1 = Math.min(x0 + 1, width - 1);
                float wx = fx - x0;
                int o = y * newWidth + x;
                for (int c = 0; c < p.length; c++) {
                    float[] plane = p[c];
                    float top = plane[y0 * width + x0] * (1 - wx) + plane[y0 * width + x1] * wx;
                    float bottom = plane[y1 * width + x0] * (1 - wx) + plane[y1 * width + x1] * wx;
                    out[c][o] = top * (1 - wy) + bottom * wy;
                }
            }
        }
        return new ClassProbabilities(newWidth, newHeight, out);
    }
}

package io.segline.model.diffusion;

import java.awt.image.BufferedImage;

/**
 * Images and label maps resampled to the model's input grid, the same way in training and serving:
 * each target pixel is the mean (image) or the majority (labels) of the source pixels its footprint
 * covers, so a downsampled painting keeps every source pixel's say.
 */
public final class ModelInput {
    private ModelInput() {
    }

    /** RGB in [0,1], planar {@code [3][h*w]} flattened to {@code 3*h*w}. */
    public static float[] pixels(BufferedImage image, int w, int h) {
        int sw = image.getWidth();
        int sh = image.getHeight();
        float[] sum = new float[3 * w * h];
        int[] count = new int[w * h];
        int[] row = new int[sw];
        int[] column = new int[sw];
        for (int x = 0; x < sw; x++) {
            column[x] = Math.min(w - 1, (int) ((long) x * w / sw));
        }
        int plane = w * h;
        for (int y = 0; y < sh; y++) {
            image.getRGB(0, y, sw, 1, row, 0, sw);
            int ty = Math.min(h - 1, (int) ((long) y * h / sh));
            for (int x = 0; x < sw; x++) {
                int o = ty * w + column[x];
                int rgb = row[x];
                sum[o] += (rgb >> 16) & 0xff;
                sum[plane + o] += (rgb >> 8) & 0xff;
                sum[2 * plane + o] += rgb & 0xff;
                count[o]++;
            }
        }
        // Enlarging leaves target pixels no source pixel falls in: take the nearest source pixel.
        for (int ty = 0; ty < h; ty++) {
            for (int tx = 0; tx < w; tx++) {
                int o = ty * w + tx;
                if (count[o] == 0) {
                    int rgb = image.getRGB(Math.min(sw - 1, (int) ((tx + 0.5) * sw / w)), Math.min(sh - 1, (int) ((ty + 0.5) * sh / h)));
                    sum[o] = (rgb >> 16) & 0xff;
                    sum[plane + o] = (rgb >> 8) & 0xff;
                    sum[2 * plane + o] = rgb & 0xff;
                    count[o] = 1;
                }
                float scale = 1f / (255f * count[o]);
                sum[o] *= scale;
                sum[plane + o] *= scale;
                sum[2 * plane + o] *= scale;
            }
        }
        return sum;
    }

    /** Label map {@code sw×sh} to {@code w×h} by majority vote over each footprint; 255 (ignore) wins only alone. */
    public static byte[] labels(byte[] labels, int sw, int sh, int w, int h, int classes) {
        int[][] votes = new int[classes + 1][w * h];
        for (int y = 0; y < sh; y++) {
            int ty = Math.min(h - 1, (int) ((long) y * h / sh));
            for (int x = 0; x < sw; x++) {
                int tx = Math.min(w - 1, (int) ((long) x * w / sw));
                int label = labels[y * sw + x] & 0xff;
                votes[label < classes ? label : classes][ty * w + tx]++;
            }
        }
        byte[] out = new byte[w * h];
        for (int i = 0; i < out.length; i++) {
            int best = classes;
            int bestVotes = 0;
            for (int c = 0; c < classes; c++) {
                if (votes[c][i] > bestVotes) {
                    bestVotes = votes[c][i];
                    best = c;
                }
            }
            out[i] = (byte) (best == classes ? 255 : best);
        }
        return out;
    }
}

package io.segline.model.diffusion;

import java.util.Random;

/**
 * Training augmentations on planar RGB in [0,1] with the label map moved along where geometry changes.
 *
 * <p>SPIRIT's (§4.2) that keep labels exact: colour jitter, greyscale, blur, occlusion and simulated
 * degradation (fading, noise, cracks, stains). Added so that a model cannot lean on one painter's
 * colours and framing: hue rotation, channel permutation, posterisation and inversion (colour means
 * nothing by itself), background texture replacement (the ground around the figure is arbitrary), and
 * a random zoom, aspect stretch, shift and small rotation applied to pixels (bilinear) and labels
 * (nearest) together. Horizontal flips are not here: training pairs every painting with its mirror
 * (for the symmetry loss).
 */
final class Augment {
    private Augment() {
    }

    static void apply(float[] rgb, byte[] labels, int w, int h, Random random) {
        if (random.nextFloat() < 0.6f) {
            geometry(rgb, labels, w, h, random);
        }
        colour(rgb, labels, w, h, random);
    }

    /**
     * Everything but the geometry: background replacement, colour, tone, degradation, blur and occlusion.
     * Two paintings given generators seeded alike get the same colour treatment (a support painting and its
     * query must keep the colours they share, or the support says nothing about the query's classes).
     */
    static void colour(float[] rgb, byte[] labels, int w, int h, Random random) {
        int plane = w * h;
        if (random.nextFloat() < 0.15f) {
            replaceBackground(rgb, labels, w, h, random);
        }
        if (random.nextFloat() < 0.6f) {
            rotateHue(rgb, plane, (float) (random.nextFloat() * 2 * Math.PI));
        }
        if (random.nextFloat() < 0.3f) {
            permuteChannels(rgb, plane, random);
        }
        jitter(rgb, plane, random);
        if (random.nextFloat() < 0.1f) {
            for (int i = 0; i < plane; i++) {
                float g = 0.299f * rgb[i] + 0.587f * rgb[plane + i] + 0.114f * rgb[2 * plane + i];
                rgb[i] = g;
                rgb[plane + i] = g;
                rgb[2 * plane + i] = g;
            }
        }
        if (random.nextFloat() < 0.1f) {
            float levels = 2 + random.nextInt(5);
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = Math.round(Math.min(1f, Math.max(0f, rgb[i])) * levels) / levels;
            }
        }
        if (random.nextFloat() < 0.03f) {
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = 1f - rgb[i];
            }
        }
        if (random.nextFloat() < 0.25f) {
            degrade(rgb, w, h, random);
        }
        if (random.nextFloat() < 0.25f) {
            for (int pass = 1 + random.nextInt(2); pass > 0; pass--) {
                blur(rgb, w, h);
            }
        }
        if (random.nextFloat() < 0.3f) {
            occlude(rgb, w, h, random);
        }
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = Math.min(1f, Math.max(0f, rgb[i]));
        }
    }

    /**
     * Zoom (0.7–1.25), aspect stretch (±18%), shift (±12%) and rotation (±6°) about the centre, the same
     * for pixels and labels; what falls outside the source is its edge repeated or a flat ground labelled
     * background.
     */
    static void geometry(float[] rgb, byte[] labels, int w, int h, Random random) {
        if (labels == null) {
            return;
        }
        int plane = w * h;
        double zoom = 0.7 + random.nextDouble() * 0.55;
        double stretch = Math.exp((random.nextDouble() - 0.5) * 0.33);
        double sx = zoom * stretch;
        double sy = zoom / stretch;
        double tx = (random.nextDouble() - 0.5) * 0.24 * w;
        double ty = (random.nextDouble() - 0.5) * 0.24 * h;
        double angle = Math.toRadians((random.nextDouble() - 0.5) * 12);
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        boolean repeatEdge = random.nextBoolean();
        float[] ground = {random.nextFloat(), random.nextFloat(), random.nextFloat()};
        float[] src = rgb.clone();
        byte[] srcLabels = labels.clone();
        double cx = w / 2.0;
        double cy = h / 2.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Output pixel to source: undo shift, rotation and scale about the centre.
                double dx = x + 0.5 - cx - tx;
                double dy = y + 0.5 - cy - ty;
                double ux = (cos * dx + sin * dy) / sx + cx - 0.5;
                double uy = (-sin * dx + cos * dy) / sy + cy - 0.5;
                int o = y * w + x;
                boolean inside = ux >= -0.5 && uy >= -0.5 && ux <= w - 0.5 && uy <= h - 0.5;
                if (!inside && !repeatEdge) {
                    for (int c = 0; c < 3; c++) {
                        rgb[c * plane + o] = ground[c];
                    }
                    labels[o] = 0;
                    continue;
                }
                double px = Math.max(0, Math.min(w - 1, ux));
                double py = Math.max(0, Math.min(h - 1, uy));
                int x0 = (int) px;
                int y0 = (int) py;
                int x1 = Math.min(w - 1, x0 + 1);
                int y1 = Math.min(h - 1, y0 + 1);
                float fx = (float) (px - x0);
                float fy = (float) (py - y0);
                for (int c = 0; c < 3; c++) {
                    int base = c * plane;
                    float top = src[base + y0 * w + x0] * (1 - fx) + src[base + y0 * w + x1] * fx;
                    float bottom = src[base + y1 * w + x0] * (1 - fx) + src[base + y1 * w + x1] * fx;
                    rgb[base + o] = top * (1 - fy) + bottom * fy;
                }
                labels[o] = srcLabels[(int) Math.round(py) * w + (int) Math.round(px)];
            }
        }
    }

    /** Paints the background-labelled pixels over with a random texture (noise, stripes or a gradient). */
    private static void replaceBackground(float[] rgb, byte[] labels, int w, int h, Random random) {
        if (labels == null) {
            return;
        }
        int plane = w * h;
        float[] a = {random.nextFloat(), random.nextFloat(), random.nextFloat()};
        float[] b = {random.nextFloat(), random.nextFloat(), random.nextFloat()};
        int kind = random.nextInt(3);
        double period = 3 + random.nextDouble() * 20;
        double theta = random.nextDouble() * Math.PI;
        float keep = random.nextFloat() * 0.5f;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = y * w + x;
                if (labels[o] != 0) {
                    continue;
                }
                float t = switch (kind) {
                    case 0 -> random.nextFloat();
                    case 1 -> (float) (0.5 + 0.5 * Math.sin((x * Math.cos(theta) + y * Math.sin(theta)) * 2 * Math.PI / period));
                    default -> (float) y / h;
                };
                for (int c = 0; c < 3; c++) {
                    float v = a[c] + (b[c] - a[c]) * t;
                    rgb[c * plane + o] = rgb[c * plane + o] * keep + v * (1 - keep);
                }
            }
        }
    }

    /** Rotates hues by {@code angle} about the grey axis (YIQ chroma plane), keeping luma. */
    private static void rotateHue(float[] rgb, int plane, float angle) {
        float cos = (float) Math.cos(angle);
        float sin = (float) Math.sin(angle);
        for (int i = 0; i < plane; i++) {
            float r = rgb[i];
            float g = rgb[plane + i];
            float b = rgb[2 * plane + i];
            float y = 0.299f * r + 0.587f * g + 0.114f * b;
            float ci = 0.596f * r - 0.274f * g - 0.322f * b;
            float cq = 0.211f * r - 0.523f * g + 0.312f * b;
            float i2 = ci * cos - cq * sin;
            float q2 = ci * sin + cq * cos;
            rgb[i] = y + 0.956f * i2 + 0.621f * q2;
            rgb[plane + i] = y - 0.272f * i2 - 0.647f * q2;
            rgb[2 * plane + i] = y - 1.106f * i2 + 1.703f * q2;
        }
    }

    private static void permuteChannels(float[] rgb, int plane, Random random) {
        int[] order = {0, 1, 2};
        for (int i = 2; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] copy = rgb.clone();
        for (int c = 0; c < 3; c++) {
            System.arraycopy(copy, order[c] * plane, rgb, c * plane, plane);
        }
    }

    private static void jitter(float[] rgb, int plane, Random random) {
        float brightness = (random.nextFloat() - 0.5f) * 0.3f;
        float contrast = 0.75f + random.nextFloat() * 0.5f;
        float saturation = 0.6f + random.nextFloat() * 0.7f;
        float[] gain = {1 + (random.nextFloat() - 0.5f) * 0.16f, 1 + (random.nextFloat() - 0.5f) * 0.16f, 1 + (random.nextFloat() - 0.5f) * 0.16f};
        for (int i = 0; i < plane; i++) {
            float g = 0.299f * rgb[i] + 0.587f * rgb[plane + i] + 0.114f * rgb[2 * plane + i];
            for (int c = 0; c < 3; c++) {
                float v = g + (rgb[c * plane + i] - g) * saturation;
                rgb[c * plane + i] = ((v - 0.5f) * contrast + 0.5f + brightness) * gain[c];
            }
        }
    }

    private static void degrade(float[] rgb, int w, int h, Random random) {
        int plane = w * h;
        float fade = 0.1f + random.nextFloat() * 0.3f;
        float[] sepia = {0.80f, 0.70f, 0.52f};
        float sigma = 0.02f + random.nextFloat() * 0.04f;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                rgb[c * plane + i] = rgb[c * plane + i] * (1 - fade) + sepia[c] * fade + (float) random.nextGaussian() * sigma;
            }
        }
        for (int crack = random.nextInt(8); crack > 0; crack--) {
            double x = random.nextInt(w);
            double y = random.nextInt(h);
            double angle = random.nextDouble() * Math.PI * 2;
            for (int step = 20 + random.nextInt(60); step > 0; step--) {
                angle += (random.nextDouble() - 0.5) * 0.8;
                x += Math.cos(angle);
                y += Math.sin(angle);
                int ix = (int) x;
                int iy = (int) y;
                if (ix < 0 || iy < 0 || ix >= w || iy >= h) {
                    break;
                }
                for (int c = 0; c < 3; c++) {
                    rgb[c * plane + iy * w + ix] *= 0.45f;
                }
            }
        }
        for (int stain = random.nextInt(3); stain > 0; stain--) {
            int cx = random.nextInt(w);
            int cy = random.nextInt(h);
            float r = 4 + random.nextFloat() * w / 6f;
            float strength = 0.15f + random.nextFloat() * 0.25f;
            for (int y = Math.max(0, (int) (cy - r)); y < Math.min(h, (int) (cy + r)); y++) {
                for (int x = Math.max(0, (int) (cx - r)); x < Math.min(w, (int) (cx + r)); x++) {
                    float d = (float) Math.hypot(x - cx, y - cy) / r;
                    if (d < 1) {
                        float k = strength * (1 - d * d);
                        for (int c = 0; c < 3; c++) {
                            int o = c * plane + y * w + x;
                            rgb[o] = rgb[o] * (1 - k) + sepia[c] * 0.6f * k;
                        }
                    }
                }
            }
        }
    }

    private static void blur(float[] rgb, int w, int h) {
        int plane = w * h;
        float[] tmp = new float[plane];
        for (int c = 0; c < 3; c++) {
            int base = c * plane;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float sum = 0;
                    int n = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        int yy = y + dy;
                        if (yy < 0 || yy >= h) {
                            continue;
                        }
                        for (int dx = -1; dx <= 1; dx++) {
                            int xx = x + dx;
                            if (xx >= 0 && xx < w) {
                                sum += rgb[base + yy * w + xx];
                                n++;
                            }
                        }
                    }
                    tmp[y * w + x] = sum / n;
                }
            }
            System.arraycopy(tmp, 0, rgb, base, plane);
        }
    }

    private static void occlude(float[] rgb, int w, int h, Random random) {
        int plane = w * h;
        int rw = (int) (w * (0.08f + random.nextFloat() * 0.17f));
        int rh = (int) (h * (0.08f + random.nextFloat() * 0.17f));
        int x0 = random.nextInt(w - rw);
        int y0 = random.nextInt(h - rh);
        float[] colour = {random.nextFloat(), random.nextFloat(), random.nextFloat()};
        for (int y = y0; y < y0 + rh; y++) {
            for (int x = x0; x < x0 + rw; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[c * plane + y * w + x] = colour[c];
                }
            }
        }
    }
}

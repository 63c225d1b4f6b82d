package io.segline.model.diffusion;

import java.util.Random;

/**
 * SPIRIT's training augmentations that make sense for painted captures (§4.2), on planar RGB in [0,1]:
 * colour jitter, greyscale, blur, occlusion and simulated degradation (fading, noise, cracks, stains).
 * They change the painting, never its labels. Horizontal flips are not here: training pairs every
 * painting with its mirror (for the symmetry loss).
 */
final class Augment {
    private Augment() {
    }

    static void apply(float[] rgb, int w, int h, Random random) {
        int plane = w * h;
        jitter(rgb, plane, random);
        if (random.nextFloat() < 0.08f) {
            for (int i = 0; i < plane; i++) {
                float g = 0.299f * rgb[i] + 0.587f * rgb[plane + i] + 0.114f * rgb[2 * plane + i];
                rgb[i] = g;
                rgb[plane + i] = g;
                rgb[2 * plane + i] = g;
            }
        }
        if (random.nextFloat() < 0.3f) {
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

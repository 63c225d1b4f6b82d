package io.segline.dataset;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Ageing of a painted surface for the composer: varnish yellowing or fading, flaking pigment showing the
 * ground, water tide lines, soot, fold creases, cracks, grain and softness. Paint only; the labels keep
 * what was painted.
 */
final class Weathering {
    private Weathering() {
    }

    /** Weathers {@code image} in place (and returns it, or a softened copy); {@code strength} in (0, 1]. */
    static BufferedImage apply(BufferedImage image, Random r, double strength) {
        int w = image.getWidth();
        int h = image.getHeight();
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color ground = new Color(190 + r.nextInt(40), 170 + r.nextInt(40), 120 + r.nextInt(50));
        if (r.nextDouble() < 0.8) {
            Color veil = r.nextBoolean() ? ground : new Color(90 + r.nextInt(50), 60 + r.nextInt(30), 20 + r.nextInt(30));
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) (strength * (0.1 + 0.35 * r.nextDouble()))));
            g.setColor(veil);
            g.fillRect(0, 0, w, h);
        }
        g.setComposite(AlphaComposite.SrcOver);
        int flakes = (int) (strength * r.nextInt(40));
        for (int i = 0; i < flakes; i++) {
            double k = Math.max(1.5, Math.min(w, h) * (0.005 + 0.03 * r.nextDouble()));
            g.setColor(mixed(ground, r));
            Path2D flake = new Path2D.Double();
            double x = r.nextDouble() * w;
            double y = r.nextDouble() * h;
            flake.moveTo(x + k, y);
            for (int a = 1; a < 7; a++) {
                double rr = k * (0.5 + r.nextDouble());
                flake.lineTo(x + Math.cos(a * Math.PI / 3.5) * rr, y + Math.sin(a * Math.PI / 3.5) * rr);
            }
            flake.closePath();
            g.fill(flake);
        }
        for (int i = (int) (strength * r.nextInt(4)); i > 0; i--) {
            double k = Math.min(w, h) * (0.1 + 0.3 * r.nextDouble());
            double x = r.nextDouble() * w;
            double y = r.nextDouble() * h;
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.1f + 0.25f * r.nextFloat()));
            g.setColor(new Color(100, 70, 40));
            g.fill(new Ellipse2D.Double(x - k, y - k * 0.7, 2 * k, 1.4 * k));
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.5f));
            g.setStroke(new BasicStroke(1.2f));
            g.draw(new Ellipse2D.Double(x - k, y - k * 0.7, 2 * k, 1.4 * k));
        }
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.35f));
        g.setColor(new Color(60, 45, 30));
        g.setStroke(new BasicStroke(0.7f + r.nextFloat()));
        if (r.nextDouble() < 0.4 * strength) {
            int folds = 1 + r.nextInt(3);
            for (int i = 1; i <= folds; i++) {
                int y = h * i / (folds + 1);
                g.drawLine(0, y, w, y + r.nextInt(5) - 2);
            }
        }
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.7f));
        for (int i = (int) (strength * r.nextInt(25)); i > 0; i--) {
            Path2D crack = new Path2D.Double();
            double x = r.nextDouble() * w;
            double y = r.nextDouble() * h;
            crack.moveTo(x, y);
            double angle = r.nextDouble() * Math.PI * 2;
            for (int k = 0; k < 4 + r.nextInt(10); k++) {
                angle += r.nextGaussian() * 0.7;
                x += Math.cos(angle) * 6;
                y += Math.sin(angle) * 6;
                crack.lineTo(x, y);
            }
            g.draw(crack);
        }
        g.dispose();
        double sigma = strength * (2 + 14 * r.nextDouble());
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int d = (int) Math.round(r.nextGaussian() * sigma);
                int p = row[x];
                row[x] = (clamp(((p >> 16) & 0xff) + d) << 16) | (clamp(((p >> 8) & 0xff) + d) << 8) | clamp((p & 0xff) + d);
            }
            image.setRGB(0, y, w, 1, row, 0, w);
        }
        if (r.nextDouble() < 0.5) {
            return soften(image);
        }
        return image;
    }

    private static Color mixed(Color ground, Random r) {
        int d = r.nextInt(30) - 15;
        return new Color(clamp(ground.getRed() + d), clamp(ground.getGreen() + d), clamp(ground.getBlue() + d));
    }

    private static BufferedImage soften(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rs = 0;
                int gs = 0;
                int bs = 0;
                int n = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = Math.max(0, Math.min(w - 1, x + dx));
                        int yy = Math.max(0, Math.min(h - 1, y + dy));
                        int p = image.getRGB(xx, yy);
                        rs += (p >> 16) & 0xff;
                        gs += (p >> 8) & 0xff;
                        bs += p & 0xff;
                        n++;
                    }
                }
                out.setRGB(x, y, ((rs / n) << 16) | ((gs / n) << 8) | (bs / n));
            }
        }
        return out;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}

package io.segline.dataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.image.BufferedImage;

/**
 * A painting and its label map drawn together: every shape that belongs to a class is filled in the
 * image with its paint and in the label map with the class index, so the ground truth is exact. Strokes
 * and textures that are only paint (outlines, patterns) go to the image alone.
 */
final class Canvas {
    final int width;
    final int height;
    final BufferedImage image;
    private final BufferedImage labels;
    final Graphics2D g;
    private final Graphics2D l;

    Canvas(int width, int height) {
        this.width = width;
        this.height = height;
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        // Labels are drawn as RGB (c, c, c) without antialiasing and read back from the red channel;
        // a grey canvas would gamma-map the values.
        this.labels = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.g = image.createGraphics();
        this.l = labels.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_SPEED);
        l.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    }

    /** Fills a shape of class {@code label} with {@code paint}. */
    void fill(Shape shape, Paint paint, int label) {
        g.setPaint(paint);
        g.fill(shape);
        l.setColor(new Color(label, label, label));
        l.fill(shape);
    }

    /** Strokes a shape of class {@code label} (its stroke area belongs to the class). */
    void stroke(Shape shape, Stroke stroke, Paint paint, int label) {
        g.setPaint(paint);
        g.setStroke(stroke);
        g.draw(shape);
        l.setColor(new Color(label, label, label));
        l.setStroke(stroke);
        l.draw(shape);
    }

    /** Paint only: outlines and patterns that do not change what the pixels are. */
    void paintOnly(Shape shape, Paint paint, float strokeWidth) {
        g.setPaint(paint);
        if (strokeWidth > 0) {
            g.setStroke(new BasicStroke(strokeWidth, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(shape);
        } else {
            g.fill(shape);
        }
    }

    byte[] labelBytes() {
        int[] rgb = labels.getRGB(0, 0, width, height, null, 0, width);
        byte[] out = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = (byte) ((rgb[i] >> 16) & 0xff);
        }
        return out;
    }

    void dispose() {
        g.dispose();
        l.dispose();
    }
}

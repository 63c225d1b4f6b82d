package io.segline.dataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small, seeded generator of Thangka-like paintings with exact label maps, enough for the demo and
 * the tests: a central figure (head, torso, 2/4/6 arms, crossed legs, sometimes a raised hand), a halo,
 * a backlight with rays, a lotus seat, and a background of sky, clouds, landscape and a border. Parts
 * are left out at random, colours and proportions vary. The same seed gives the same painting.
 */
public final class SimpleThangkaGenerator {
    /** One painting: the image, its label map (row-major class indices) and a caption. */
    public record Painting(String id, BufferedImage image, byte[] labels, String caption) {
    }

    private static final String[][] COLOURS = {
            {"white", "#f2efe6"}, {"blue", "#2f5fa8"}, {"green", "#3f9a4f"}, {"red", "#c23b2a"},
            {"yellow", "#e0b53a"}, {"black", "#2b2b2b"}};

    private final int width;
    private final int height;

    public SimpleThangkaGenerator(int width, int height) {
        this.width = width;
        this.height = height;
    }

    public Painting generate(String id, long seed) {
        Random r = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        // Labels are drawn as RGB (c, c, c) and read back from the red channel: a grey canvas would gamma-map the values.
        BufferedImage labels = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        Graphics2D l = labels.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        l.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);

        // Background: sky, landscape, clouds, border. All of it is class 0.
        g.setColor(jitter(new Color(0x4f7fb8), r, 30));
        g.fillRect(0, 0, width, height);
        g.setColor(jitter(new Color(0x5d8a4a), r, 30));
        g.fillRect(0, (int) (height * (0.78 + 0.06 * r.nextDouble())), width, height);
        for (int i = 0; i < 3 + r.nextInt(3); i++) {
            g.setColor(jitter(new Color(0xe8e8f0), r, 15));
            double cx = r.nextBoolean() ? width * 0.12 * r.nextDouble() : width * (1 - 0.12 * r.nextDouble());
            g.fill(new Ellipse2D.Double(cx - 18, height * r.nextDouble() * 0.7, 36 + r.nextInt(20), 14 + r.nextInt(8)));
        }

        double axis = width / 2.0 + width * 0.03 * (r.nextDouble() - 0.5);
        double s = Math.min(height, width * 1.3) * (0.92 + 0.14 * r.nextDouble());
        double headY = height * (0.26 + 0.03 * r.nextDouble());
        double bodyY = height * (0.50 + 0.03 * (r.nextDouble() - 0.5));
        boolean backlight = r.nextDouble() < 0.8;
        boolean halo = r.nextDouble() < 0.85;
        boolean lotus = r.nextDouble() < 0.85;
        boolean flames = backlight && r.nextBoolean();
        boolean raisedHand = r.nextDouble() < 0.4;
        int arms = new int[] {2, 2, 4, 6}[r.nextInt(4)];
        String[] body = COLOURS[r.nextInt(COLOURS.length)];

        if (backlight) {
            Shape shape = new Ellipse2D.Double(axis - 0.30 * s, bodyY - 0.36 * s, 0.60 * s, 0.72 * s);
            Color base = jitter(flames ? new Color(0xd9622b) : new Color(0x7b4fa0), r, 40);
            paint(g, l, shape, base, 3);
            g.setStroke(new BasicStroke(2f));
            g.setColor(base.brighter());
            for (int ray = 0; ray < 24; ray++) {
                double angle = ray * Math.PI / 12;
                g.draw(new Line2D.Double(axis, bodyY, axis + Math.cos(angle) * 0.29 * s, bodyY + Math.sin(angle) * 0.35 * s));
            }
        }
        if (halo) {
            double radius = 0.12 * s + 0.02 * s * r.nextDouble();
            Color base = jitter(new Color(0x3f8f8a), r, 40);
            paint(g, l, new Ellipse2D.Double(axis - radius, headY - radius, 2 * radius, 2 * radius), base, 2);
            g.setColor(base.darker());
            g.setStroke(new BasicStroke(2f));
            g.draw(new Ellipse2D.Double(axis - radius * 0.8, headY - radius * 0.8, 1.6 * radius, 1.6 * radius));
        }
        if (lotus) {
            double ly = height * (0.80 + 0.03 * r.nextDouble());
            Color petal = jitter(new Color(0xd98aa6), r, 35);
            paint(g, l, new Ellipse2D.Double(axis - 0.24 * s, ly - 0.065 * s, 0.48 * s, 0.13 * s), petal, 4);
            g.setColor(petal.darker());
            int petals = 7 + 2 * r.nextInt(4);
            for (int i = 0; i < petals; i++) {
                double px = axis - 0.22 * s + i * 0.44 * s / (petals - 1);
                g.draw(new Ellipse2D.Double(px - 0.03 * s, ly - 0.06 * s, 0.06 * s, 0.09 * s));
            }
        }
        Color skin = jitter(Color.decode(body[1]), r, 20);
        List<Shape> figure = new ArrayList<>();
        figure.add(new Ellipse2D.Double(axis - 0.065 * s, headY - 0.075 * s, 0.13 * s, 0.15 * s));
        figure.add(new Ellipse2D.Double(axis - 0.13 * s, bodyY - 0.17 * s, 0.26 * s, 0.34 * s));
        figure.add(new Ellipse2D.Double(axis - 0.20 * s, bodyY + 0.13 * s, 0.40 * s, 0.14 * s));
        for (Shape part : figure) {
            paint(g, l, part, skin, 1);
        }
        float armWidth = (float) (0.035 * s);
        for (int pair = 0; pair < arms / 2; pair++) {
            double spread = 0.16 * s + pair * 0.045 * s;
            double drop = 0.08 * s + pair * 0.05 * s;
            double shoulderY = bodyY - 0.11 * s;
            drawArm(g, l, skin, armWidth, axis - 0.1 * s, shoulderY, axis - spread, shoulderY + drop);
            boolean raise = raisedHand && pair == 0;
            drawArm(g, l, skin, armWidth, axis + 0.1 * s, shoulderY, axis + spread, raise ? shoulderY - 0.12 * s : shoulderY + drop);
        }
        // A painted border frames the whole; it is background.
        g.setColor(jitter(new Color(0x8a2a1f), r, 25));
        g.setStroke(new BasicStroke(6f));
        g.drawRect(3, 3, width - 7, height - 7);
        l.setColor(new Color(0, 0, 0));
        l.setStroke(new BasicStroke(6f));
        l.drawRect(3, 3, width - 7, height - 7);
        g.dispose();
        l.dispose();

        int[] rgb = labels.getRGB(0, 0, width, height, null, 0, width);
        byte[] labelBytes = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            labelBytes[i] = (byte) ((rgb[i] >> 16) & 0xff);
        }
        String caption = "A thangka of a " + body[0] + "-bodied deity with " + arms + " arms"
                + (raisedHand ? ", one hand raised" : "")
                + (lotus ? ", seated on a lotus" : ", seated on the ground without a lotus")
                + (halo ? ", with a halo" : "")
                + (backlight ? (flames ? ", before a flaming aureole" : ", before a mandorla") : "") + ".";
        return new Painting(id, image, labelBytes, caption);
    }

    private static void paint(Graphics2D g, Graphics2D l, Shape shape, Color colour, int classIndex) {
        g.setColor(colour);
        g.fill(shape);
        l.setColor(new Color(classIndex, classIndex, classIndex));
        l.fill(shape);
    }

    private static void drawArm(Graphics2D g, Graphics2D l, Color skin, float width, double x1, double y1, double x2, double y2) {
        Line2D arm = new Line2D.Double(x1, y1, x2, y2);
        g.setColor(skin);
        g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(arm);
        l.setColor(new Color(1, 1, 1));
        l.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        l.draw(arm);
    }

    private static Color jitter(Color c, Random r, int amount) {
        return new Color(clamp(c.getRed() + r.nextInt(2 * amount + 1) - amount),
                clamp(c.getGreen() + r.nextInt(2 * amount + 1) - amount),
                clamp(c.getBlue() + r.nextInt(2 * amount + 1) - amount));
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}

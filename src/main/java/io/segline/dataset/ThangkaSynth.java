package io.segline.dataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Paint;
import java.awt.RadialGradientPaint;
import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.GeneralPath;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * ThangkaSynth: seeded, procedurally drawn Thangka-like paintings with exact label maps, catalogue-style
 * captions and the attributes behind them.
 *
 * <p>Each painting has a central deity (head with crown, torso, 2/4/6 arms with hands and held objects,
 * seated cross-legged or standing; sometimes a raised hand), and, each independently optional, a halo
 * of rings, a backlight of rays or flames, and a lotus seat of 7-15 petals. Around them: sky, clouds,
 * landscape, small secondary figures (with their own little halos) and a brocade border, all labelled
 * background. Palettes, proportions, positions and textures vary widely; hard cases are drawn on
 * purpose (lotus and backlight of the same colour, halo touching the backlight). Styles: {@code clean}
 * (shaded, outlined), {@code flat} (modern flat colour, heavy outlines, no texture) and {@code degraded}
 * (fading, pigment loss, cracks, stains, noise and blur applied to the painting, not the labels).
 *
 * <p>The same (seed, index, style, size) always gives the same painting.
 */
public final class ThangkaSynth implements Painter {
    public static final List<String> CLASSES = List.of("background", "figure", "halo", "backlight", "lotus");
    public static final List<String> STYLES = List.of("clean", "flat", "degraded");
    static final int BACKGROUND = 0;
    static final int FIGURE = 1;
    static final int HALO = 2;
    static final int BACKLIGHT = 3;
    static final int LOTUS = 4;

    private static final String[][] BODY_COLOURS = {
            {"white", "#f1ede2"}, {"blue", "#2a55a3"}, {"green", "#2f9a55"}, {"red", "#c0392b"},
            {"yellow", "#e3b23c"}, {"black", "#262626"}, {"gold", "#d4a017"}, {"orange", "#e07b28"}};
    private static final String[] SCHOOLS = {"Karma Gadri", "Menri", "Khyenri", "Newar", "Tsangri", "Bhutanese"};

    private final int width;
    private final int height;

    public ThangkaSynth(int width, int height) {
        if (width < 64 || height < 64) {
            throw new IllegalArgumentException("paintings need at least 64x64 pixels, not " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    @Override
    public String name() {
        return "thangka";
    }

    @Override
    public Painting paint(long seed, int index, String style) {
        return generate(seed, index, style);
    }

    /** Painting number {@code index} of the set with this seed; {@code style} is clean, flat, degraded or mixed. */
    public Painting generate(long seed, int index, String style) {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 17);
        String actual = switch (style) {
            case "mixed" -> {
                double u = r.nextDouble();
                yield u < 0.5 ? "clean" : u < 0.75 ? "flat" : "degraded";
            }
            case "clean", "flat", "degraded" -> style;
            case "hidden" -> throw new IllegalArgumentException("the thangka painter has no hidden style; the composer and atelier painters do");
            default -> throw new IllegalArgumentException("style must be clean, flat, degraded or mixed, not '" + style + "'");
        };
        return new Drawing(r, actual, String.format(Locale.ROOT, "thangka-%05d", index)).draw();
    }

    private final class Drawing {
        final Random r;
        final String style;
        final String id;
        final boolean flat;
        final Canvas c = new Canvas(width, height);

        Drawing(Random r, String style, String id) {
            this.r = r;
            this.style = style;
            this.id = id;
            this.flat = style.equals("flat");
        }

        double u(double lo, double hi) {
            return lo + (hi - lo) * r.nextDouble();
        }

        Color jitter(Color base, int amount) {
            return new Color(clamp(base.getRed() + r.nextInt(2 * amount + 1) - amount),
                    clamp(base.getGreen() + r.nextInt(2 * amount + 1) - amount),
                    clamp(base.getBlue() + r.nextInt(2 * amount + 1) - amount));
        }

        Color randomColour() {
            return Color.getHSBColor(r.nextFloat(), (float) u(0.35, 0.9), (float) u(0.35, 0.95));
        }

        /** Shaded paint for a region (clean and degraded styles); a flat colour in the flat style. */
        Paint shade(Shape shape, Color base) {
            if (flat) {
                return base;
            }
            Rectangle2D b = shape.getBounds2D();
            return new GradientPaint((float) b.getMinX(), (float) b.getMinY(), base.brighter(),
                    (float) b.getMaxX(), (float) b.getMaxY(), base.darker());
        }

        void outline(Shape shape) {
            c.paintOnly(shape, flat ? Color.BLACK : new Color(0x8a6d1d), flat ? 2.2f : 0.9f);
        }

        Painting draw() {
            double axis = width / 2.0 + width * u(-0.04, 0.04);
            double s = Math.min(height, width * 1.35) * u(0.72, 1.0);
            double top = height * u(0.08, 0.16);
            double headY = top + 0.15 * s;
            double bodyY = headY + 0.25 * s;
            boolean standing = r.nextDouble() < 0.2;
            double seatY = standing ? bodyY + 0.42 * s : bodyY + 0.30 * s;
            seatY = Math.min(seatY, height * 0.93);

            boolean hasHalo = r.nextDouble() < 0.85;
            boolean hasBacklight = r.nextDouble() < 0.8;
            boolean hasLotus = r.nextDouble() < 0.82;
            boolean flames = hasBacklight && r.nextDouble() < 0.45;
            boolean raisedHand = r.nextDouble() < 0.35;
            int arms = new int[] {2, 2, 2, 4, 4, 6}[r.nextInt(6)];
            String[] body = BODY_COLOURS[r.nextInt(BODY_COLOURS.length)];
            String school = SCHOOLS[r.nextInt(SCHOOLS.length)];
            boolean sameColourLotusBacklight = hasLotus && hasBacklight && r.nextDouble() < 0.2;
            boolean haloTouchesBacklight = hasHalo && hasBacklight && r.nextDouble() < 0.3;

            drawBackground(axis, s);
            Color backlightColour = flames ? jitter(new Color(0xd9541e), 30) : randomColour();
            Color lotusColour = sameColourLotusBacklight ? jitter(backlightColour, 12) : jitter(new Color(0xe79ab5), 40);
            if (r.nextDouble() < 0.3 && !sameColourLotusBacklight) {
                lotusColour = randomColour();
            }
            if (hasBacklight) {
                double ry = 0.40 * s * u(0.85, 1.1);
                double rx = Math.min(0.33 * s * u(0.85, 1.15), width * 0.47);
                double cy = bodyY + 0.02 * s;
                double topOfBacklight = cy - ry;
                if (haloTouchesBacklight) {
                    cy = headY + 0.10 * s + ry;
                    topOfBacklight = cy - ry;
                }
                drawBacklight(axis, cy, rx, ry, backlightColour, flames);
                if (topOfBacklight < headY - 0.16 * s) {
                    haloTouchesBacklight = true;
                }
            }
            if (hasHalo) {
                drawHalo(axis, headY, 0.11 * s * u(0.85, 1.3));
            }
            if (hasLotus) {
                drawLotus(axis, seatY, 0.27 * s * u(0.8, 1.15), 0.08 * s * u(0.8, 1.2), lotusColour);
            }
            Color skin = jitter(Color.decode(body[1]), 18);
            drawFigure(axis, s, headY, bodyY, seatY, standing, arms, raisedHand, skin);
            drawBorder();
            c.dispose();
            BufferedImage image = c.image;
            if (style.equals("degraded")) {
                image = degrade(image);
            }
            Map<String, Object> truth = new LinkedHashMap<>();
            truth.put("single_figure", true);
            truth.put("multi_limbed", arms > 2);
            truth.put("lotus_seat", hasLotus);
            truth.put("halo", hasHalo);
            truth.put("backlight", hasBacklight);
            truth.put("flames", flames);
            truth.put("raised_hand", raisedHand);
            truth.put("degraded", style.equals("degraded"));
            truth.put("arm_count", arms);
            truth.put("body_color", body[0]);
            truth.put("school", school);
            CaptionWriter.Caption caption = new CaptionWriter(r).write(truth, style, standing);
            return new Painting(id, image, c.labelBytes(), caption.text(), style, new Painting.Attributes(truth, caption.stated()),
                    "thangka", "thangka");
        }

        void drawBackground(double axis, double s) {
            Color sky = r.nextDouble() < 0.5 ? jitter(new Color(0x24476b), 30) : randomColour().darker();
            Color horizon = jitter(sky.brighter(), 20);
            Shape all = new Rectangle2D.Double(0, 0, width, height);
            c.fill(all, flat ? sky : new GradientPaint(0, 0, sky, 0, height, horizon), BACKGROUND);
            // Landscape: hills and water at the bottom.
            double ground = height * u(0.72, 0.88);
            Path2D hills = new Path2D.Double();
            hills.moveTo(0, height);
            for (int i = 0; i <= 8; i++) {
                hills.lineTo(width * i / 8.0, ground - u(0, 0.08) * height);
            }
            hills.lineTo(width, height);
            hills.closePath();
            c.fill(hills, jitter(new Color(0x4e7d3a), 35), BACKGROUND);
            if (r.nextBoolean()) {
                c.fill(new Rectangle2D.Double(0, ground + u(0.03, 0.08) * height, width, height), jitter(new Color(0x3f6fa0), 25), BACKGROUND);
            }
            // Clouds.
            int clouds = 2 + r.nextInt(6);
            for (int i = 0; i < clouds; i++) {
                double cx = r.nextBoolean() ? u(0, 0.22) * width : u(0.78, 1) * width;
                double cy = u(0.03, 0.7) * height;
                Color cloud = jitter(r.nextBoolean() ? new Color(0xeef0f4) : new Color(0x9fc7d9), 15);
                for (int k = 0; k < 3; k++) {
                    Shape puff = new Ellipse2D.Double(cx - 12 + k * 8 + u(-3, 3), cy + u(-4, 4), u(14, 26), u(8, 14));
                    c.fill(puff, cloud, BACKGROUND);
                }
            }
            // Secondary figures: small seated figures with their own halos; they are background.
            int secondary = r.nextInt(5);
            for (int i = 0; i < secondary; i++) {
                boolean left = r.nextBoolean();
                double sx = left ? u(0.06, 0.16) * width : u(0.84, 0.94) * width;
                double sy = u(0.12, 0.8) * height;
                double k = s * u(0.05, 0.08);
                c.fill(new Ellipse2D.Double(sx - k, sy - k, 2 * k, 2 * k), jitter(new Color(0xd8b04a), 30), BACKGROUND);
                c.fill(new Ellipse2D.Double(sx - k * 0.35, sy - k * 0.55, k * 0.7, k * 0.7), randomColour(), BACKGROUND);
                c.fill(new Ellipse2D.Double(sx - k * 0.6, sy, k * 1.2, k * 0.9), randomColour(), BACKGROUND);
            }
            if (!flat) {
                // A fine speckle texture of the ground layer.
                for (int i = 0; i < width * height / 60; i++) {
                    int x = r.nextInt(width);
                    int y = r.nextInt(height);
                    int rgb = c.image.getRGB(x, y);
                    c.image.setRGB(x, y, shift(rgb, r.nextInt(21) - 10));
                }
            }
        }

        void drawBacklight(double cx, double cy, double rx, double ry, Color colour, boolean flames) {
            Shape ellipse = new Ellipse2D.Double(cx - rx, cy - ry, 2 * rx, 2 * ry);
            Shape body = flames ? flameOutline(cx, cy, rx, ry) : ellipse;
            c.fill(body, flat ? colour : new RadialGradientPaint((float) cx, (float) cy, (float) Math.max(rx, ry),
                    new float[] {0f, 1f}, new Color[] {colour.brighter(), colour.darker()}), BACKLIGHT);
            int rays = 12 + 2 * r.nextInt(10);
            Color second = flames ? jitter(new Color(0xf2b134), 25) : jitter(colour.brighter(), 20);
            for (int i = 0; i < rays; i += 2) {
                double a0 = 2 * Math.PI * i / rays;
                double a1 = 2 * Math.PI * (i + 1) / rays;
                Path2D wedge = new Path2D.Double();
                wedge.moveTo(cx, cy);
                wedge.lineTo(cx + Math.cos(a0) * rx * 0.96, cy + Math.sin(a0) * ry * 0.96);
                wedge.lineTo(cx + Math.cos(a1) * rx * 0.96, cy + Math.sin(a1) * ry * 0.96);
                wedge.closePath();
                Area inside = new Area(wedge);
                inside.intersect(new Area(ellipse));
                c.paintOnly(inside, second, 0);
            }
            outline(body);
        }

        Shape flameOutline(double cx, double cy, double rx, double ry) {
            Path2D path = new Path2D.Double();
            int tongues = 18 + r.nextInt(10);
            for (int i = 0; i <= tongues * 2; i++) {
                double a = Math.PI * i / tongues;
                double k = i % 2 == 0 ? 1.0 : 1.0 + u(0.06, 0.14);
                double x = cx + Math.cos(a) * rx * k;
                double y = cy + Math.sin(a) * ry * k;
                if (i == 0) {
                    path.moveTo(x, y);
                } else {
                    path.lineTo(x, y);
                }
            }
            path.closePath();
            return path;
        }

        void drawHalo(double cx, double cy, double radius) {
            int rings = 2 + r.nextInt(3);
            for (int i = 0; i < rings; i++) {
                double rr = radius * (1 - i * 0.18);
                Shape ring = new Ellipse2D.Double(cx - rr, cy - rr, 2 * rr, 2 * rr);
                c.fill(ring, i == 0 ? shade(ring, randomColour()) : randomColour(), HALO);
            }
            outline(new Ellipse2D.Double(cx - radius, cy - radius, 2 * radius, 2 * radius));
        }

        void drawLotus(double cx, double cy, double rx, double ry, Color colour) {
            Shape base = new Ellipse2D.Double(cx - rx, cy - ry * 0.6, 2 * rx, ry * 1.4);
            c.fill(base, shade(base, colour.darker()), LOTUS);
            int petals = 7 + r.nextInt(9);
            for (int row = 0; row < 2; row++) {
                double py = cy - row * ry * 0.5;
                for (int i = 0; i < petals; i++) {
                    double px = cx - rx * 0.95 + i * (1.9 * rx) / (petals - 1);
                    double pw = 1.9 * rx / petals * 1.3;
                    Shape petal = petal(px, py, pw, ry * 1.3);
                    Color pc = r.nextDouble() < 0.2 ? randomColour() : jitter(colour, 15);
                    c.fill(petal, shade(petal, row == 0 ? pc : pc.brighter()), LOTUS);
                    outline(petal);
                }
            }
        }

        Shape petal(double x, double y, double w, double h) {
            Path2D p = new Path2D.Double();
            p.moveTo(x, y - h / 2);
            p.quadTo(x + w / 2, y, x, y + h / 2);
            p.quadTo(x - w / 2, y, x, y - h / 2);
            p.closePath();
            return p;
        }

        void drawFigure(double cx, double s, double headY, double bodyY, double seatY, boolean standing, int arms,
                boolean raisedHand, Color skin) {
            Color robe = randomColour();
            double shoulderW = 0.13 * s * u(0.85, 1.15);
            // Legs: crossed (seated) or two columns (standing); part of the figure, robe-coloured.
            if (standing) {
                for (int side = -1; side <= 1; side += 2) {
                    Shape leg = new Rectangle2D.Double(cx + side * shoulderW * 0.45 - 0.035 * s, bodyY + 0.12 * s, 0.07 * s, seatY - bodyY - 0.12 * s);
                    c.fill(leg, shade(leg, robe), FIGURE);
                    outline(leg);
                }
            } else {
                Shape legs = new Ellipse2D.Double(cx - 0.21 * s * u(0.9, 1.1), seatY - 0.11 * s, 0.42 * s, 0.13 * s);
                c.fill(legs, shade(legs, robe), FIGURE);
                outline(legs);
            }
            Path2D torso = new Path2D.Double();
            torso.moveTo(cx - shoulderW, bodyY - 0.12 * s);
            torso.lineTo(cx + shoulderW, bodyY - 0.12 * s);
            torso.lineTo(cx + shoulderW * 0.8, bodyY + 0.16 * s);
            torso.lineTo(cx - shoulderW * 0.8, bodyY + 0.16 * s);
            torso.closePath();
            c.fill(torso, shade(torso, skin), FIGURE);
            outline(torso);
            Shape neck = new Rectangle2D.Double(cx - 0.025 * s, headY + 0.03 * s, 0.05 * s, 0.08 * s);
            c.fill(neck, skin, FIGURE);
            Shape head = new Ellipse2D.Double(cx - 0.055 * s, headY - 0.07 * s, 0.11 * s, 0.14 * s);
            c.fill(head, shade(head, skin), FIGURE);
            outline(head);
            // Crown of three points.
            Path2D crown = new Path2D.Double();
            crown.moveTo(cx - 0.05 * s, headY - 0.05 * s);
            for (int i = 0; i < 3; i++) {
                crown.lineTo(cx - 0.05 * s + (i + 0.5) * 0.1 * s / 3, headY - 0.11 * s);
                crown.lineTo(cx - 0.05 * s + (i + 1) * 0.1 * s / 3, headY - 0.05 * s);
            }
            crown.closePath();
            c.fill(crown, jitter(new Color(0xe0b43a), 20), FIGURE);
            // Arms, pair by pair, spreading wider; the first right arm may be raised.
            float armWidth = (float) (0.032 * s);
            for (int pair = 0; pair < arms / 2; pair++) {
                double spread = shoulderW + 0.05 * s + pair * 0.05 * s;
                double drop = 0.12 * s - pair * 0.07 * s;
                for (int side = -1; side <= 1; side += 2) {
                    boolean raise = raisedHand && pair == 0 && side == 1;
                    double sx = cx + side * shoulderW * 0.9;
                    double sy = bodyY - 0.10 * s;
                    double ex = cx + side * (spread + 0.04 * s);
                    double ey = raise ? sy - 0.16 * s : sy + drop + 0.06 * s;
                    double mx = cx + side * (spread + 0.02 * s);
                    double my = raise ? sy - 0.02 * s : sy + drop * 0.4;
                    GeneralPath arm = new GeneralPath();
                    arm.moveTo(sx, sy);
                    arm.lineTo(mx, my);
                    arm.lineTo(ex, ey);
                    c.stroke(arm, new BasicStroke(armWidth, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND), skin, FIGURE);
                    Shape hand = new Ellipse2D.Double(ex - armWidth * 0.8, ey - armWidth * 0.8, armWidth * 1.6, armWidth * 1.6);
                    c.fill(hand, skin, FIGURE);
                    if (r.nextDouble() < 0.5) {
                        drawHeldObject(ex, ey, s);
                    }
                }
            }
        }

        /** A vajra, bell, flower, sword or bowl in a hand: held objects are part of the figure. */
        void drawHeldObject(double x, double y, double s) {
            Color colour = jitter(new Color(0xe3c15a), 30);
            switch (r.nextInt(5)) {
                case 0 -> c.stroke(new Line2D.Double(x, y - 0.05 * s, x, y + 0.05 * s), new BasicStroke((float) (0.015 * s)), colour, FIGURE);
                case 1 -> {
                    Path2D bell = new Path2D.Double();
                    bell.moveTo(x - 0.025 * s, y + 0.03 * s);
                    bell.lineTo(x, y - 0.04 * s);
                    bell.lineTo(x + 0.025 * s, y + 0.03 * s);
                    bell.closePath();
                    c.fill(bell, colour, FIGURE);
                }
                case 2 -> c.fill(new Ellipse2D.Double(x - 0.025 * s, y - 0.06 * s, 0.05 * s, 0.04 * s), randomColour(), FIGURE);
                case 3 -> c.stroke(new Line2D.Double(x, y, x + 0.02 * s, y - 0.11 * s), new BasicStroke((float) (0.012 * s)), new Color(0xc8d0d8), FIGURE);
                default -> c.fill(new Ellipse2D.Double(x - 0.03 * s, y - 0.015 * s, 0.06 * s, 0.03 * s), colour.darker(), FIGURE);
            }
        }

        void drawBorder() {
            int bands = r.nextInt(3);
            double at = 0;
            for (int i = 0; i < bands; i++) {
                double thickness = u(3, 9);
                Path2D frame = new Path2D.Double(Path2D.WIND_EVEN_ODD);
                frame.append(new Rectangle2D.Double(at, at, width - 2 * at, height - 2 * at), false);
                frame.append(new Rectangle2D.Double(at + thickness, at + thickness, width - 2 * (at + thickness), height - 2 * (at + thickness)), false);
                c.fill(frame, jitter(i % 2 == 0 ? new Color(0x9b2226) : new Color(0xd4a017), 30), BACKGROUND);
                at += thickness;
            }
        }

        /** Fading, pigment loss, cracks, stains, noise and blur; the labels keep what was painted. */
        BufferedImage degrade(BufferedImage image) {
            java.awt.Graphics2D g = image.createGraphics();
            g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
            Color canvas = jitter(new Color(0xcdb892), 15);
            float fade = (float) u(0.15, 0.45);
            g.setComposite(java.awt.AlphaComposite.getInstance(java.awt.AlphaComposite.SRC_OVER, fade));
            g.setColor(canvas);
            g.fillRect(0, 0, width, height);
            g.setComposite(java.awt.AlphaComposite.SrcOver);
            for (int i = 0; i < 3 + r.nextInt(10); i++) {
                double k = u(3, 14);
                g.setColor(canvas);
                g.fill(new Ellipse2D.Double(u(0, width), u(0, height), k * u(0.5, 1.5), k));
            }
            g.setComposite(java.awt.AlphaComposite.getInstance(java.awt.AlphaComposite.SRC_OVER, (float) u(0.15, 0.35)));
            for (int i = 0; i < r.nextInt(4); i++) {
                g.setColor(new Color(0x6b4a2b));
                double k = u(15, 50);
                g.fill(new Ellipse2D.Double(u(0, width), u(0, height), k, k * u(0.6, 1.4)));
            }
            g.setComposite(java.awt.AlphaComposite.SrcOver);
            g.setColor(new Color(40, 30, 20, 170));
            g.setStroke(new BasicStroke(0.8f));
            for (int i = 0; i < 4 + r.nextInt(12); i++) {
                Path2D crack = new Path2D.Double();
                Point2D.Double p = new Point2D.Double(u(0, width), u(0, height));
                crack.moveTo(p.x, p.y);
                for (int k = 0; k < 6; k++) {
                    p = new Point2D.Double(p.x + u(-12, 12), p.y + u(-12, 12));
                    crack.lineTo(p.x, p.y);
                }
                g.draw(crack);
            }
            g.dispose();
            double sigma = u(3, 12);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    image.setRGB(x, y, shift(image.getRGB(x, y), (int) Math.round(r.nextGaussian() * sigma)));
                }
            }
            if (r.nextBoolean()) {
                float[] box = new float[9];
                java.util.Arrays.fill(box, 1f / 9);
                BufferedImage blurred = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                new ConvolveOp(new Kernel(3, 3, box), ConvolveOp.EDGE_NO_OP, null).filter(image, blurred);
                return blurred;
            }
            return image;
        }
    }

    private static int shift(int rgb, int delta) {
        return (clamp(((rgb >> 16) & 0xff) + delta) << 16) | (clamp(((rgb >> 8) & 0xff) + delta) << 8) | clamp((rgb & 0xff) + delta);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}

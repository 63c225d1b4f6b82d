package io.segline.dataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Paint;
import java.awt.RadialGradientPaint;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.TexturePaint;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The composer: Thangka layouts with randomised composition and randomised paint, for training models
 * that must learn structure rather than one painter's colours.
 *
 * <p>Every part is drawn from a family of shapes (halos as discs, rings, scalloped, flame-edged or
 * leaf-pointed; aureoles as ellipses, pointed mandorlas, horseshoe arches, flame borders or ray bursts;
 * lotuses of pointed, round or teardrop petals in one to three tiers, sometimes with a moon disc;
 * figures of varying proportions, 2 to 8 arms, seated or standing, with scarves and held objects),
 * at a random scale, position and axis tilt, on a canvas of random aspect ratio. Paint comes from
 * textures (flat, gradients, noise, stripes, dots, weave, checks) in colours with no fixed meaning:
 * what is halo in one collection is background in the next. Distractors that look like the classes are
 * background: small attendant figures with their own halos, sun and moon discs, peonies, thrones,
 * offerings in front of the seat.
 *
 * <p>Paintings come in <em>collections</em> of {@value #COLLECTION_SIZE}: one collection shares its
 * palette, textures, line work and preferred shape families, as the holdings of one workshop do, so a
 * few annotated paintings of a collection say something about the rest (support–query training).
 *
 * <p>Style {@code hidden}: one part is faded almost to its surroundings or covered by a loss, while the
 * caption names it (or a look-alike is painted where the caption says there is none), so only the
 * caption can tell; the labels keep what the painter meant.
 */
public final class Composer implements Painter {
    static final int COLLECTION_SIZE = 12;
    private static final int BACKGROUND = 0;
    private static final int FIGURE = 1;
    private static final int HALO = 2;
    private static final int BACKLIGHT = 3;
    private static final int LOTUS = 4;
    private static final String[] BODY_COLOURS = {"white", "blue", "green", "red", "yellow", "black", "gold", "orange"};
    private static final String[] SCHOOLS = {"Karma Gadri", "Menri", "Khyenri", "Newar", "Tsangri", "Bhutanese"};

    private final int width;
    private final int height;

    public Composer(int width, int height) {
        if (width < 64 || height < 64) {
            throw new IllegalArgumentException("paintings need at least 64x64 pixels, not " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    @Override
    public String name() {
        return "composer";
    }

    @Override
    public Painting paint(long seed, int index, String style) {
        int collection = index / COLLECTION_SIZE;
        Workshop workshop = new Workshop(new Random(seed * 0x2545F4914F6CDD1DL + collection * 0x9E3779B97F4A7C15L + 3));
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + index * 0xD1B54A32D192ED03L + 29);
        String actual = switch (style) {
            case "mixed" -> {
                double u = r.nextDouble();
                yield u < 0.4 ? "clean" : u < 0.6 ? "flat" : u < 0.8 ? "degraded" : "hidden";
            }
            case "clean", "flat", "degraded", "hidden" -> style;
            default -> throw new IllegalArgumentException("style must be clean, flat, degraded, hidden or mixed, not '" + style + "'");
        };
        double aspect = Math.max(0.5, Math.min(1.25, workshop.aspect * (0.92 + 0.16 * r.nextDouble())));
        int h = (int) Math.round(Math.sqrt(width * (double) height / aspect));
        int w = (int) Math.round(h * aspect);
        String id = String.format(Locale.ROOT, "composer-%05d", index);
        String collectionId = String.format(Locale.ROOT, "composer-%d-%04d", seed, collection);
        return new Drawing(r, workshop, actual, id, collectionId, Math.max(64, w), Math.max(64, h)).draw();
    }

    /** What one collection's paintings share. */
    private static final class Workshop {
        final Color[] palette;
        final int[] classColour = new int[5];
        final int[] classTexture = new int[5];
        final Color line;
        final float lineWidth;
        final double aspect;
        final int haloFamily;
        final int aureoleFamily;
        final int petalFamily;
        final int backgroundKind;
        final double headRatio;
        final double shoulderRatio;
        final double consistency;

        Workshop(Random r) {
            palette = new Color[6 + r.nextInt(5)];
            float baseHue = r.nextFloat();
            for (int i = 0; i < palette.length; i++) {
                float hue = r.nextFloat() < 0.5 ? baseHue + 0.12f * (float) r.nextGaussian() : r.nextFloat();
                palette[i] = Color.getHSBColor(hue - (float) Math.floor(hue), 0.15f + 0.8f * r.nextFloat(), 0.15f + 0.85f * r.nextFloat());
            }
            for (int c = 0; c < 5; c++) {
                classColour[c] = r.nextInt(palette.length);
                classTexture[c] = r.nextInt(Texture.KINDS);
            }
            line = switch (r.nextInt(4)) {
                case 0 -> new Color(20, 16, 12);
                case 1 -> new Color(196, 158, 60);
                case 2 -> new Color(120, 30, 20);
                default -> palette[r.nextInt(palette.length)].darker();
            };
            lineWidth = r.nextFloat() < 0.2f ? 0f : 0.4f + 2.6f * r.nextFloat();
            aspect = new double[] {0.55, 0.67, 0.75, 0.8, 0.8, 0.8, 1.0, 1.2}[r.nextInt(8)];
            haloFamily = r.nextInt(6);
            aureoleFamily = r.nextInt(6);
            petalFamily = r.nextInt(3);
            backgroundKind = r.nextInt(5);
            headRatio = 0.09 + 0.05 * r.nextDouble();
            shoulderRatio = 0.10 + 0.08 * r.nextDouble();
            consistency = 0.5 + 0.45 * r.nextDouble();
        }
    }

    /** Random tiling textures in a given colour. */
    private static final class Texture {
        static final int KINDS = 8;

        static Paint of(int kind, Color base, Random r, Rectangle2D bounds) {
            Color light = mix(base, Color.WHITE, 0.15 + 0.35 * r.nextDouble());
            Color dark = mix(base, Color.BLACK, 0.15 + 0.35 * r.nextDouble());
            switch (kind) {
                case 0:
                    return base;
                case 1:
                    return new GradientPaint((float) bounds.getMinX(), (float) bounds.getMinY(), light,
                            (float) (bounds.getMinX() + bounds.getWidth() * r.nextDouble()), (float) bounds.getMaxY(), dark);
                case 2: {
                    float radius = (float) Math.max(2, Math.max(bounds.getWidth(), bounds.getHeight()) * (0.4 + 0.4 * r.nextDouble()));
                    return new RadialGradientPaint((float) bounds.getCenterX(), (float) bounds.getCenterY(), radius,
                            new float[] {0f, 1f}, r.nextBoolean() ? new Color[] {light, dark} : new Color[] {dark, light});
                }
                default:
                    return tile(kind, base, light, dark, r);
            }
        }

        private static Paint tile(int kind, Color base, Color light, Color dark, Random r) {
            int size = 4 + r.nextInt(13);
            BufferedImage t = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    Color c = switch (kind) {
                        case 3 -> mix(base, r.nextBoolean() ? light : dark, 0.6 * r.nextDouble());
                        case 4 -> (y * 3 / size) % 2 == 0 ? light : base;
                        case 5 -> Math.hypot(x - size / 2.0, y - size / 2.0) < size / 4.0 ? light : base;
                        case 6 -> ((x + y) % 4 < 2) ^ (y % 4 < 2) ? base : dark;
                        default -> ((x * 2 / size) + (y * 2 / size)) % 2 == 0 ? base : mix(base, dark, 0.5);
                    };
                    t.setRGB(x, y, c.getRGB());
                }
            }
            return new TexturePaint(t, new Rectangle(r.nextInt(size), r.nextInt(size), size, size));
        }
    }

    static Color mix(Color a, Color b, double t) {
        return new Color(clamp((int) Math.round(a.getRed() * (1 - t) + b.getRed() * t)),
                clamp((int) Math.round(a.getGreen() * (1 - t) + b.getGreen() * t)),
                clamp((int) Math.round(a.getBlue() * (1 - t) + b.getBlue() * t)));
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static final class Drawing {
        final Random r;
        final Workshop ws;
        final String style;
        final String id;
        final String collection;
        final int w;
        final int h;
        final Canvas c;
        final boolean flat;
        final AffineTransform tilt;
        /** Where each class ended up, for the hidden style (union of the shapes drawn for it). */
        final Area[] drawn = {new Area(), new Area(), new Area(), new Area(), new Area()};

        Drawing(Random r, Workshop ws, String style, String id, String collection, int w, int h) {
            this.r = r;
            this.ws = ws;
            this.style = style;
            this.id = id;
            this.collection = collection;
            this.w = w;
            this.h = h;
            this.c = new Canvas(w, h);
            this.flat = style.equals("flat");
            double angle = r.nextDouble() < 0.3 ? Math.toRadians(u(-5, 5)) : 0;
            this.tilt = AffineTransform.getRotateInstance(angle, w / 2.0, h / 2.0);
        }

        double u(double lo, double hi) {
            return lo + (hi - lo) * r.nextDouble();
        }

        boolean chance(double p) {
            return r.nextDouble() < p;
        }

        Color colourFor(int label) {
            Color base = chance(ws.consistency) ? ws.palette[ws.classColour[label]] : ws.palette[r.nextInt(ws.palette.length)];
            if (chance(0.15)) {
                base = Color.getHSBColor(r.nextFloat(), (float) u(0.1, 1), (float) u(0.1, 1));
            }
            return jitter(base, 18);
        }

        Color jitter(Color base, int amount) {
            return new Color(clamp(base.getRed() + r.nextInt(2 * amount + 1) - amount), clamp(base.getGreen() + r.nextInt(2 * amount + 1) - amount),
                    clamp(base.getBlue() + r.nextInt(2 * amount + 1) - amount));
        }

        Paint paintFor(int label, Shape shape, Color colour) {
            if (flat) {
                return colour;
            }
            int kind = chance(ws.consistency) ? ws.classTexture[label] : r.nextInt(Texture.KINDS);
            return Texture.of(kind, colour, r, shape.getBounds2D());
        }

        /** Fills a part of class {@code label} (tilted with the composition) and outlines it. */
        void part(Shape shape, int label, Color colour) {
            Shape s = tilt.createTransformedShape(shape);
            c.fill(s, paintFor(label, s, colour), label);
            if (style.equals("hidden")) {
                // Area operations are slow; only the hidden style needs to know where each class ended up.
                Area area = new Area(s);
                drawn[label].add(area);
                for (int other = 0; other < drawn.length; other++) {
                    if (other != label) {
                        drawn[other].subtract(area);
                    }
                }
            }
            if (ws.lineWidth > 0 && !(flat && chance(0.2))) {
                c.paintOnly(s, ws.line, flat ? ws.lineWidth * 1.6f : ws.lineWidth);
            }
        }

        /** Paint inside a part that does not change what its pixels are (rays, rings, folds). */
        void pattern(Shape shape, Color colour, float strokeWidth) {
            c.paintOnly(tilt.createTransformedShape(shape), colour, strokeWidth);
        }

        Painting draw() {
            double axis = w * (chance(0.6) ? u(0.46, 0.54) : u(0.32, 0.68));
            double s = h * u(0.45, 0.92);
            double top = Math.max(h * 0.04, (h - s) * u(0.1, 0.9));
            double headR = s * ws.headRatio * u(0.8, 1.2) / 2;
            double headY = top + 0.16 * s;
            double shoulderY = headY + headR + 0.05 * s;
            double waistY = shoulderY + 0.27 * s * u(0.85, 1.15);
            boolean standing = chance(0.2);
            double seatY = standing ? Math.min(top + s * 0.98, h * 0.97) : Math.min(waistY + 0.12 * s, h * 0.95);
            double shoulder = s * ws.shoulderRatio * u(0.8, 1.25);

            boolean hidden = style.equals("hidden");
            boolean hasHalo = chance(0.8);
            boolean hasAureole = chance(0.75);
            boolean hasLotus = chance(0.75);
            boolean flames = hasAureole && chance(0.35);
            boolean raisedHand = chance(0.35);
            int arms = new int[] {2, 2, 2, 4, 4, 6, 8}[r.nextInt(7)];

            if (hidden) {
                drawn[BACKGROUND].add(new Area(new Rectangle2D.Double(0, 0, w, h)));
            }
            drawBackground(axis, s);
            if (hasAureole) {
                double ry = s * u(0.3, 0.52);
                double rx = Math.min(s * u(0.22, 0.45), w * 0.55);
                double cy = waistY - ry * u(0.05, 0.45);
                drawAureole(axis + u(-0.02, 0.02) * s, cy, rx, ry, flames);
            }
            if (hasHalo) {
                double hr = headR * u(1.5, 2.8);
                drawHalo(axis + u(-0.01, 0.01) * s, headY + u(-0.3, 0.2) * headR, hr);
            }
            if (hasLotus) {
                drawLotus(axis, seatY + u(-0.02, 0.05) * s, s * u(0.2, 0.36), s * u(0.05, 0.12));
            } else if (chance(0.4)) {
                drawThrone(axis, seatY, s);
            }
            drawFigure(axis, s, headY, headR, shoulderY, waistY, seatY, shoulder, standing, arms, raisedHand);
            drawForeground(axis, seatY, s);
            drawFrame();

            String hiddenNote = null;
            Map<String, Object> truth = new LinkedHashMap<>();
            truth.put("single_figure", true);
            truth.put("multi_limbed", arms > 2);
            truth.put("lotus_seat", hasLotus);
            truth.put("halo", hasHalo);
            truth.put("backlight", hasAureole);
            truth.put("flames", flames);
            truth.put("raised_hand", raisedHand);
            truth.put("degraded", style.equals("degraded") || hidden);
            truth.put("arm_count", arms);
            truth.put("body_color", BODY_COLOURS[r.nextInt(BODY_COLOURS.length)]);
            truth.put("school", SCHOOLS[r.nextInt(SCHOOLS.length)]);
            if (hidden) {
                hiddenNote = hide(hasHalo, hasAureole, hasLotus, axis, headY, headR, seatY, s);
            }
            c.dispose();
            BufferedImage image = c.image;
            if (style.equals("degraded") || hidden) {
                image = Weathering.apply(image, r, style.equals("degraded") ? 1.0 : 0.5);
            }
            CaptionWriter.Caption caption = new CaptionWriter(r).write(truth, style.equals("hidden") ? "degraded" : style, standing);
            String text = caption.text();
            Map<String, Object> stated = caption.stated();
            if (hiddenNote != null) {
                text = text + " " + hiddenNote;
                restate(stated, hiddenNote);
            }
            return new Painting(id, image, c.labelBytes(), text, style, new Painting.Attributes(truth, stated), "composer", collection);
        }

        /** The hidden style's statement changes what the caption says about the hidden part. */
        void restate(Map<String, Object> stated, String note) {
            if (note.contains("halo") && !note.startsWith("There is no")) {
                stated.put("halo", "YES");
            } else if (note.contains("halo")) {
                stated.put("halo", "NO");
            }
            if (note.contains("aureole")) {
                stated.put("backlight", "YES");
            }
            if (note.contains("lotus")) {
                stated.put("lotus_seat", "YES");
            }
            stated.put("degraded", "YES");
        }

        /**
         * Hides one part from the pixels and returns the sentence that tells of it: a faded halo, a faded
         * aureole, a lotus under a loss, or a halo-like disc where the caption says there is no halo.
         */
        String hide(boolean hasHalo, boolean hasAureole, boolean hasLotus, double axis, double headY, double headR, double seatY, double s) {
            List<Integer> options = new ArrayList<>();
            if (hasHalo) {
                options.add(HALO);
            }
            if (hasAureole) {
                options.add(BACKLIGHT);
            }
            if (hasLotus) {
                options.add(LOTUS);
            }
            if (!hasHalo) {
                options.add(-1);
            }
            if (options.isEmpty()) {
                return null;
            }
            int which = options.get(r.nextInt(options.size()));
            if (which == -1) {
                double rr = headR * u(1.6, 2.6);
                Shape disc = tilt.createTransformedShape(new Ellipse2D.Double(axis - rr, headY - rr, 2 * rr, 2 * rr));
                Area visible = new Area(disc);
                visible.intersect(drawn[BACKGROUND]);
                c.paintOnly(visible, jitter(ws.palette[r.nextInt(ws.palette.length)], 20), 0);
                return pick("There is no halo; the disc behind the head is a later overpainting of the sky.",
                        "The head has no nimbus: the pale circle there is a restorer's fill.");
            }
            Area region = new Area(drawn[which]);
            if (region.isEmpty()) {
                return null;
            }
            Rectangle2D b = region.getBounds2D();
            if (which == LOTUS || chance(0.3)) {
                Color loss = jitter(new Color(0xcfc2a4), 20);
                Area patch = new Area(new Ellipse2D.Double(b.getX() - b.getWidth() * 0.1, b.getY() - b.getHeight() * 0.15,
                        b.getWidth() * 1.2, b.getHeight() * 1.3));
                c.paintOnly(patch, loss, 0);
                return switch (which) {
                    case LOTUS -> pick("The lotus seat beneath the figure is lost under a large area of paint loss.",
                            "A lotus throne once supported the figure; it survives only as a damaged patch.");
                    case HALO -> pick("The head halo is hidden under a later repair.", "A halo is recorded, now covered by a loss.");
                    default -> pick("The flaming aureole behind the body is obscured by a broad loss.",
                            "An aureole once surrounded the body; only a worn patch remains.");
                };
            }
            // Fade the part towards the colour around it: the pixels barely show it, the label keeps it.
            int cx = (int) Math.max(0, Math.min(w - 1, b.getCenterX()));
            int cy = (int) Math.max(0, Math.min(h - 1, b.getMaxY() + 2));
            Color around = new Color(c.image.getRGB(Math.max(0, Math.min(w - 1, (int) (b.getMinX() - 3))), Math.min(h - 1, cy)));
            java.awt.Graphics2D g = c.image.createGraphics();
            g.setComposite(java.awt.AlphaComposite.getInstance(java.awt.AlphaComposite.SRC_OVER, (float) u(0.82, 0.95)));
            g.setColor(around);
            g.fill(region);
            g.dispose();
            assert cx >= 0;
            return which == HALO
                    ? pick("A halo surrounds the head, though it has faded almost entirely.", "The head halo is now barely visible.")
                    : pick("A body aureole is painted behind the figure, its pigments faded almost to nothing.",
                            "The mandorla behind the body survives only as a faint trace.");
        }

        String pick(String... options) {
            return options[r.nextInt(options.length)];
        }

        void drawBackground(double axis, double s) {
            Color ground = colourFor(BACKGROUND);
            Shape all = new Rectangle2D.Double(0, 0, w, h);
            switch (ws.backgroundKind) {
                case 0 -> c.fill(all, paintFor(BACKGROUND, all, ground), BACKGROUND);
                case 1 -> c.fill(all, new GradientPaint(0, 0, ground, 0, h, colourFor(BACKGROUND)), BACKGROUND);
                case 2 -> c.fill(all, mix(ground, Color.BLACK, 0.7), BACKGROUND);
                default -> {
                    c.fill(all, flat ? ground : new GradientPaint(0, 0, ground, 0, h, mix(ground, Color.WHITE, 0.4)), BACKGROUND);
                    Path2D hills = new Path2D.Double();
                    double horizon = h * u(0.55, 0.9);
                    hills.moveTo(0, h);
                    int n = 3 + r.nextInt(9);
                    for (int i = 0; i <= n; i++) {
                        hills.lineTo(w * i / (double) n, horizon - u(0, 0.12) * h);
                    }
                    hills.lineTo(w, h);
                    hills.closePath();
                    Shape hs = hills;
                    c.fill(hs, paintFor(BACKGROUND, hs, colourFor(BACKGROUND)), BACKGROUND);
                }
            }
            // Look-alikes that are background: clouds, sun and moon, attendants with halos, flowers, buildings.
            int clutter = r.nextInt(10);
            for (int i = 0; i < clutter; i++) {
                boolean left = chance(0.5);
                double x = left ? u(0, 0.25) * w : u(0.75, 1) * w;
                double y = u(0, 1) * h;
                double k = s * u(0.03, 0.12);
                switch (r.nextInt(5)) {
                    case 0 -> {
                        for (int p = 0; p < 3 + r.nextInt(3); p++) {
                            Shape puff = new Ellipse2D.Double(x + u(-1.5, 1.5) * k, y + u(-0.5, 0.5) * k, k * u(1, 2), k * u(0.6, 1.1));
                            c.fill(puff, paintFor(BACKGROUND, puff, colourFor(BACKGROUND)), BACKGROUND);
                        }
                    }
                    case 1 -> {
                        Shape disc = new Ellipse2D.Double(x - k, y - k, 2 * k, 2 * k);
                        c.fill(disc, colourFor(chance(0.5) ? HALO : BACKGROUND), BACKGROUND);
                    }
                    case 2 -> {
                        Shape halo = new Ellipse2D.Double(x - k, y - k, 2 * k, 2 * k);
                        c.fill(halo, colourFor(HALO), BACKGROUND);
                        Shape body = new Ellipse2D.Double(x - k * 0.6, y, 1.2 * k, 1.3 * k);
                        c.fill(body, colourFor(FIGURE), BACKGROUND);
                        Shape head = new Ellipse2D.Double(x - k * 0.3, y - k * 0.45, 0.6 * k, 0.6 * k);
                        c.fill(head, colourFor(FIGURE), BACKGROUND);
                        if (chance(0.5)) {
                            Shape seat = new Ellipse2D.Double(x - k * 0.9, y + k * 1.1, 1.8 * k, 0.5 * k);
                            c.fill(seat, colourFor(LOTUS), BACKGROUND);
                        }
                    }
                    case 3 -> {
                        Color petals = colourFor(chance(0.5) ? LOTUS : BACKGROUND);
                        for (int p = 0; p < 5 + r.nextInt(4); p++) {
                            double a = p * 2 * Math.PI / 6;
                            Shape petal = new Ellipse2D.Double(x + Math.cos(a) * k * 0.5 - k * 0.35, y + Math.sin(a) * k * 0.5 - k * 0.35, 0.7 * k, 0.7 * k);
                            c.fill(petal, petals, BACKGROUND);
                        }
                    }
                    default -> {
                        Shape house = new Rectangle2D.Double(x - k, y - k * 0.6, 2 * k, 1.2 * k);
                        c.fill(house, paintFor(BACKGROUND, house, colourFor(BACKGROUND)), BACKGROUND);
                    }
                }
            }
        }

        void drawAureole(double cx, double cy, double rx, double ry, boolean flames) {
            int family = chance(ws.consistency) ? ws.aureoleFamily : r.nextInt(6);
            Shape shape;
            if (flames || family == 3) {
                shape = starred(cx, cy, rx, ry, 14 + r.nextInt(20), u(0.06, 0.2), true);
            } else {
                shape = switch (family) {
                    case 0 -> new Ellipse2D.Double(cx - rx, cy - ry, 2 * rx, 2 * ry);
                    case 1 -> mandorla(cx, cy, rx, ry);
                    case 2 -> horseshoe(cx, cy, rx, ry);
                    case 4 -> starred(cx, cy, rx, ry, 20 + r.nextInt(30), u(0.05, 0.15), false);
                    default -> scalloped(cx, cy, rx, ry, 10 + r.nextInt(14), u(0.04, 0.1));
                };
            }
            Color colour = flames ? jitter(new Color(0xd04a1a), 40) : colourFor(BACKLIGHT);
            part(shape, BACKLIGHT, colour);
            if (chance(0.7)) {
                int rays = 8 + r.nextInt(30);
                Color ray = chance(0.5) ? mix(colour, Color.WHITE, 0.4) : colourFor(BACKLIGHT);
                Area inside = new Area(shape);
                for (int i = 0; i < rays; i++) {
                    double a = 2 * Math.PI * i / rays;
                    Path2D line = new Path2D.Double();
                    line.moveTo(cx, cy);
                    line.lineTo(cx + Math.cos(a) * rx * 1.2, cy + Math.sin(a) * ry * 1.2);
                    Area stroke = new Area(new BasicStroke((float) u(0.5, 3)).createStrokedShape(line));
                    stroke.intersect(inside);
                    pattern(stroke, ray, 0);
                }
            }
            if (chance(0.5)) {
                double k = u(0.75, 0.92);
                Shape inner = new Ellipse2D.Double(cx - rx * k, cy - ry * k, 2 * rx * k, 2 * ry * k);
                pattern(inner, colourFor(BACKLIGHT), (float) u(0.8, 2.5));
            }
        }

        void drawHalo(double cx, double cy, double radius) {
            int family = chance(ws.consistency) ? ws.haloFamily : r.nextInt(6);
            double squash = chance(0.25) ? u(0.8, 1.1) : 1.0;
            Shape shape = switch (family) {
                case 0, 1 -> new Ellipse2D.Double(cx - radius, cy - radius * squash, 2 * radius, 2 * radius * squash);
                case 2 -> scalloped(cx, cy, radius, radius * squash, 10 + r.nextInt(10), u(0.05, 0.1));
                case 3 -> starred(cx, cy, radius, radius * squash, 12 + r.nextInt(12), u(0.08, 0.18), true);
                case 4 -> leaf(cx, cy, radius, radius * squash * 1.2);
                default -> horseshoe(cx, cy + radius * 0.1, radius, radius * squash * 1.05);
            };
            part(shape, HALO, colourFor(HALO));
            int rings = family == 1 ? 2 + r.nextInt(4) : r.nextInt(3);
            for (int i = 1; i <= rings; i++) {
                double k = 1 - i * u(0.12, 0.2);
                if (k < 0.3) {
                    break;
                }
                Shape ring = new Ellipse2D.Double(cx - radius * k, cy - radius * k * squash, 2 * radius * k, 2 * radius * k * squash);
                if (chance(0.5)) {
                    Area a = new Area(ring);
                    a.intersect(new Area(shape));
                    pattern(a, colourFor(HALO), 0);
                } else {
                    pattern(ring, colourFor(HALO), (float) u(0.6, 2.5));
                }
            }
        }

        void drawLotus(double cx, double cy, double rx, double ry) {
            Color colour = colourFor(LOTUS);
            int family = chance(ws.consistency) ? ws.petalFamily : r.nextInt(3);
            int tiers = 1 + r.nextInt(3);
            if (chance(0.5)) {
                Shape base = new Ellipse2D.Double(cx - rx, cy - ry * 0.5, 2 * rx, ry * 1.2);
                part(base, LOTUS, mix(colour, Color.BLACK, 0.25));
            }
            int petals = 5 + r.nextInt(12);
            for (int tier = 0; tier < tiers; tier++) {
                double ty = cy - tier * ry * u(0.35, 0.6);
                double span = rx * (1 - tier * 0.12);
                for (int i = 0; i < petals; i++) {
                    double px = cx - span + (petals == 1 ? span : i * 2 * span / (petals - 1));
                    double pw = 2 * span / petals * u(1.1, 1.6);
                    double ph = ry * u(0.9, 1.6);
                    Shape petal = switch (family) {
                        case 0 -> leaf(px, ty, pw / 2, ph / 2);
                        case 1 -> new RoundRectangle2D.Double(px - pw / 2, ty - ph / 2, pw, ph, pw, pw);
                        default -> teardrop(px, ty, pw / 2, ph / 2);
                    };
                    Color pc = tier % 2 == 1 && chance(0.5) ? mix(colour, Color.WHITE, 0.3) : jitter(colour, 12);
                    part(petal, LOTUS, pc);
                }
            }
            if (chance(0.3)) {
                Shape moon = new Ellipse2D.Double(cx - rx * 0.8, cy - ry * 1.3, rx * 1.6, ry * 0.6);
                part(moon, LOTUS, colourFor(LOTUS));
            }
        }

        void drawThrone(double cx, double seatY, double s) {
            double tw = s * u(0.3, 0.5);
            Shape throne = new Rectangle2D.Double(cx - tw / 2, seatY - s * 0.03, tw, Math.min(s * u(0.1, 0.25), h - seatY + s * 0.03));
            part(throne, BACKGROUND, colourFor(BACKGROUND));
        }

        void drawFigure(double cx, double s, double headY, double headR, double shoulderY, double waistY, double seatY, double shoulder,
                boolean standing, int arms, boolean raisedHand) {
            Color skin = colourFor(FIGURE);
            Color robe = chance(0.6) ? palette() : skin;
            if (standing) {
                for (int side = -1; side <= 1; side += 2) {
                    double lw = s * u(0.05, 0.09);
                    Shape leg = new RoundRectangle2D.Double(cx + side * shoulder * 0.4 - lw / 2, waistY - s * 0.02, lw, seatY - waistY, lw * 0.6, lw * 0.6);
                    part(leg, FIGURE, robe);
                }
            } else {
                double lw = s * u(0.32, 0.5);
                double lh = s * u(0.09, 0.16);
                Shape legs = chance(0.5) ? new Ellipse2D.Double(cx - lw / 2, seatY - lh, lw, lh)
                        : lens(cx, seatY - lh / 2, lw / 2, lh / 2);
                part(legs, FIGURE, robe);
            }
            if (chance(0.5)) {
                Path2D skirt = new Path2D.Double();
                skirt.moveTo(cx - shoulder * 0.8, waistY - 0.04 * s);
                skirt.lineTo(cx + shoulder * 0.8, waistY - 0.04 * s);
                skirt.lineTo(cx + shoulder * u(1.2, 1.9), seatY - 0.02 * s);
                skirt.lineTo(cx - shoulder * u(1.2, 1.9), seatY - 0.02 * s);
                skirt.closePath();
                part(skirt, FIGURE, robe);
            }
            Path2D torso = new Path2D.Double();
            double waist = shoulder * u(0.55, 0.9);
            torso.moveTo(cx - shoulder, shoulderY);
            torso.curveTo(cx - shoulder * 1.05, (shoulderY + waistY) / 2, cx - waist, waistY - 0.03 * s, cx - waist, waistY);
            torso.lineTo(cx + waist, waistY);
            torso.curveTo(cx + waist, waistY - 0.03 * s, cx + shoulder * 1.05, (shoulderY + waistY) / 2, cx + shoulder, shoulderY);
            torso.closePath();
            part(torso, FIGURE, skin);
            if (chance(0.5)) {
                pattern(new Ellipse2D.Double(cx - shoulder * 0.5, shoulderY + 0.03 * s, shoulder, 0.05 * s), palette(), (float) u(1, 3));
            }
            Shape neck = new Rectangle2D.Double(cx - headR * 0.4, headY, headR * 0.8, shoulderY - headY + 1);
            part(neck, FIGURE, skin);
            Shape head = new Ellipse2D.Double(cx - headR, headY - headR * 1.15, 2 * headR, 2.3 * headR);
            part(head, FIGURE, skin);
            switch (r.nextInt(4)) {
                case 0 -> {
                    Path2D crown = new Path2D.Double();
                    int points = 3 + r.nextInt(3);
                    double x0 = cx - headR * 0.95;
                    double base = headY - headR * 0.8;
                    crown.moveTo(x0, base);
                    for (int i = 0; i < points; i++) {
                        crown.lineTo(x0 + (i + 0.5) * 1.9 * headR / points, base - headR * u(0.5, 0.9));
                        crown.lineTo(x0 + (i + 1) * 1.9 * headR / points, base);
                    }
                    crown.closePath();
                    part(crown, FIGURE, palette());
                }
                case 1 -> part(new Ellipse2D.Double(cx - headR * 0.45, headY - headR * 1.7, headR * 0.9, headR * 0.9), FIGURE, palette());
                case 2 -> part(new Ellipse2D.Double(cx - headR * 1.05, headY - headR * 1.25, headR * 2.1, headR * 1.1), FIGURE, palette());
                default -> { }
            }
            float armWidth = (float) (s * u(0.022, 0.045));
            for (int pair = 0; pair < arms / 2; pair++) {
                for (int side = -1; side <= 1; side += 2) {
                    boolean raise = raisedHand && pair == 0 && side == 1;
                    double sx = cx + side * shoulder * 0.85;
                    double sy = shoulderY + 0.02 * s;
                    double reach = s * (0.1 + 0.06 * pair) * u(0.85, 1.2);
                    double angle = raise ? -Math.PI / 2 + side * u(0.1, 0.5) : Math.PI / 2 - side * (u(0.1, 0.6) + pair * u(0.25, 0.45));
                    double ex = sx + Math.cos(angle) * reach + side * reach * 0.3;
                    double ey = sy + Math.sin(angle) * reach;
                    double mx = (sx + ex) / 2 + side * reach * u(0.15, 0.45);
                    double my = (sy + ey) / 2 + u(-0.2, 0.2) * reach;
                    Path2D arm = new Path2D.Double();
                    arm.moveTo(sx, sy);
                    arm.quadTo(mx, my, ex, ey);
                    Shape stroked = new BasicStroke(armWidth * (float) (1 - 0.1 * pair), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND).createStrokedShape(arm);
                    part(stroked, FIGURE, skin);
                    double hr = armWidth * u(0.6, 1.0);
                    part(new Ellipse2D.Double(ex - hr, ey - hr, 2 * hr, 2 * hr), FIGURE, skin);
                    if (chance(0.45)) {
                        heldObject(ex, ey, s);
                    }
                }
            }
            if (chance(0.4)) {
                for (int side = -1; side <= 1; side += 2) {
                    Path2D scarf = new Path2D.Double();
                    scarf.moveTo(cx + side * shoulder, shoulderY);
                    scarf.curveTo(cx + side * shoulder * u(1.6, 2.6), shoulderY + s * u(0.05, 0.15), cx + side * shoulder * u(1.2, 2.8),
                            waistY, cx + side * shoulder * u(1.5, 3.2), waistY + s * u(0.0, 0.12));
                    part(new BasicStroke((float) (s * u(0.012, 0.025)), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND).createStrokedShape(scarf),
                            FIGURE, palette());
                }
            }
        }

        Color palette() {
            return jitter(ws.palette[r.nextInt(ws.palette.length)], 15);
        }

        void heldObject(double x, double y, double s) {
            double k = s * u(0.025, 0.05);
            Shape object = switch (r.nextInt(4)) {
                case 0 -> new Rectangle2D.Double(x - k * 0.2, y - k * 1.6, k * 0.4, k * 2.4);
                case 1 -> new Ellipse2D.Double(x - k, y - k * 0.5, 2 * k, k);
                case 2 -> starred(x, y - k, k, k, 6, 0.4, false);
                default -> leaf(x, y - k, k * 0.6, k * 1.1);
            };
            part(object, FIGURE, palette());
        }

        /** Background objects in front of the seat or the figure's edges: offerings, vases, attendants. */
        void drawForeground(double cx, double seatY, double s) {
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                double k = s * u(0.03, 0.08);
                double x = cx + u(-0.5, 0.5) * s;
                double y = Math.min(h - k, seatY + u(-0.02, 0.12) * s);
                Shape offering = chance(0.5) ? new Ellipse2D.Double(x - k, y - k * 0.6, 2 * k, 1.2 * k)
                        : new Rectangle2D.Double(x - k * 0.6, y - k, 1.2 * k, 2 * k);
                part(offering, BACKGROUND, colourFor(BACKGROUND));
            }
        }

        void drawFrame() {
            if (chance(0.35)) {
                return;
            }
            double at = 0;
            for (int band = 1 + r.nextInt(3); band > 0; band--) {
                double t = Math.max(1.5, Math.min(w, h) * u(0.008, 0.04));
                Path2D frame = new Path2D.Double(Path2D.WIND_EVEN_ODD);
                frame.append(new Rectangle2D.Double(at, at, w - 2 * at, h - 2 * at), false);
                frame.append(new Rectangle2D.Double(at + t, at + t, w - 2 * (at + t), h - 2 * (at + t)), false);
                c.fill(frame, paintFor(BACKGROUND, frame, colourFor(BACKGROUND)), BACKGROUND);
                at += t;
            }
        }

        Shape mandorla(double cx, double cy, double rx, double ry) {
            Path2D p = new Path2D.Double();
            p.moveTo(cx, cy - ry);
            p.curveTo(cx + rx * 1.3, cy - ry * 0.4, cx + rx * 1.1, cy + ry * 0.8, cx, cy + ry);
            p.curveTo(cx - rx * 1.1, cy + ry * 0.8, cx - rx * 1.3, cy - ry * 0.4, cx, cy - ry);
            p.closePath();
            return p;
        }

        Shape horseshoe(double cx, double cy, double rx, double ry) {
            Area a = new Area(new Ellipse2D.Double(cx - rx, cy - ry, 2 * rx, 2 * ry));
            a.subtract(new Area(new Rectangle2D.Double(cx - rx, cy + ry * u(0.5, 0.8), 2 * rx, ry)));
            return a;
        }

        Shape leaf(double cx, double cy, double rx, double ry) {
            Path2D p = new Path2D.Double();
            p.moveTo(cx, cy - ry);
            p.quadTo(cx + rx * 1.5, cy + ry * 0.2, cx, cy + ry);
            p.quadTo(cx - rx * 1.5, cy + ry * 0.2, cx, cy - ry);
            p.closePath();
            return p;
        }

        Shape teardrop(double cx, double cy, double rx, double ry) {
            Path2D p = new Path2D.Double();
            p.moveTo(cx, cy - ry);
            p.curveTo(cx + rx * 0.4, cy - ry * 0.2, cx + rx * 1.3, cy + ry * 0.9, cx, cy + ry);
            p.curveTo(cx - rx * 1.3, cy + ry * 0.9, cx - rx * 0.4, cy - ry * 0.2, cx, cy - ry);
            p.closePath();
            return p;
        }

        Shape lens(double cx, double cy, double rx, double ry) {
            Path2D p = new Path2D.Double();
            p.moveTo(cx - rx, cy);
            p.quadTo(cx, cy - ry * 2, cx + rx, cy);
            p.quadTo(cx, cy + ry * 2, cx - rx, cy);
            p.closePath();
            return p;
        }

        /** A star or flame outline: {@code points} tongues of relative depth {@code depth} around an ellipse. */
        Shape starred(double cx, double cy, double rx, double ry, int points, double depth, boolean curved) {
            Path2D p = new Path2D.Double();
            double phase = u(0, Math.PI);
            for (int i = 0; i <= 2 * points; i++) {
                double a = phase + Math.PI * i / points;
                double k = i % 2 == 0 ? 1 - depth : 1 + depth * u(0.3, 1);
                double x = cx + Math.cos(a) * rx * k;
                double y = cy + Math.sin(a) * ry * k;
                if (i == 0) {
                    p.moveTo(x, y);
                } else if (curved) {
                    double am = phase + Math.PI * (i - 0.5) / points;
                    p.quadTo(cx + Math.cos(am) * rx * (1 + depth * 0.3), cy + Math.sin(am) * ry * (1 + depth * 0.3), x, y);
                } else {
                    p.lineTo(x, y);
                }
            }
            p.closePath();
            return p;
        }

        Shape scalloped(double cx, double cy, double rx, double ry, int bumps, double depth) {
            Area a = new Area(new Ellipse2D.Double(cx - rx * (1 - depth), cy - ry * (1 - depth), 2 * rx * (1 - depth), 2 * ry * (1 - depth)));
            for (int i = 0; i < bumps; i++) {
                double ang = 2 * Math.PI * i / bumps;
                double br = Math.PI * Math.min(rx, ry) / bumps * 1.2;
                double bx = cx + Math.cos(ang) * rx * (1 - depth);
                double by = cy + Math.sin(ang) * ry * (1 - depth);
                a.add(new Area(new Ellipse2D.Double(bx - br, by - br, 2 * br, 2 * br)));
            }
            return a;
        }
    }
}

package io.segline.dataset;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * The atelier: a second, independent painter, kept for judging models on paintings drawn by code their
 * training never saw. Nothing is shared with {@link ThangkaSynth} or {@link Composer} but the label
 * convention: no Java2D shapes, no shared palettes, captions written by its own scribe.
 *
 * <p>Every part is a signed distance field evaluated per pixel and composited back to front with
 * antialiased coverage; a pixel's label is the topmost part covering at least half of it. Figures are
 * smooth unions of capsules and ellipses (blobby, rounded silhouettes); halos are pearl-bordered discs,
 * polar flame rings or onion-domed plaques; aureoles are polar curves (onion-dome mandorlas, cloud
 * scrolls, wavy flame walls); lotuses are petals radiating from a hidden centre below the seat, in fans.
 * Paint follows historical grounds and pigments (polychrome on cotton, gold on black "nagthang", gold on
 * red "tshalthang", modern poster colour), with shading that darkens towards each part's rim, ink or gold
 * contours, fractal grain and cloth weave. Scans come in other framings and aspect ratios (2:3 to 5:4,
 * some with their silk brocade mount), and age by soot, abrasion, tide lines, mould, faded reds and
 * coarse compression.
 */
public final class Atelier implements Painter {
    private static final int BACKGROUND = 0;
    private static final int FIGURE = 1;
    private static final int HALO = 2;
    private static final int BACKLIGHT = 3;
    private static final int LOTUS = 4;
    /** A paint-only layer: changes colours, not labels. */
    private static final int PAINT = -1;

    private static final int[] PIGMENTS = {
        0x1f4e9c, 0x2e6fb5, 0x2d8a57, 0x5aa36b, 0xb8322a, 0xd9573b, 0xe8b53a, 0xc99a2e, 0xf3ead8, 0x1c1a18, 0x8a5a2b,
        0x6d2f6b, 0x3a8f9e, 0xe58c9c, 0x9c6b3f, 0x254a3a, 0xd7c28f};
    private static final String[] BODY = {"white", "blue", "green", "red", "yellow", "black", "gold", "orange"};
    private static final int[] BODY_RGB = {0xefe6d2, 0x2f5fb0, 0x3d9a5e, 0xc23b2e, 0xe6be44, 0x2a2622, 0xcfa23a, 0xe0813a};

    private final int width;
    private final int height;

    public Atelier(int width, int height) {
        if (width < 64 || height < 64) {
            throw new IllegalArgumentException("paintings need at least 64x64 pixels, not " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    @Override
    public String name() {
        return "atelier";
    }

    @Override
    public Painting paint(long seed, int index, String style) {
        Random r = new Random((seed + 0x51ED27L) * 6364136223846793005L + index * 1442695040888963407L);
        r.nextLong();
        String actual = switch (style) {
            case "mixed" -> {
                double u = r.nextDouble();
                yield u < 0.5 ? "clean" : u < 0.75 ? "flat" : "degraded";
            }
            case "clean", "flat", "degraded", "hidden" -> style;
            default -> throw new IllegalArgumentException("style must be clean, flat, degraded, hidden or mixed, not '" + style + "'");
        };
        double[] aspects = {2.0 / 3, 0.7, 0.75, 0.75, 0.8, 0.8, 1.0, 1.25};
        double aspect = aspects[r.nextInt(aspects.length)];
        int h = (int) Math.round(Math.sqrt(width * (double) height / aspect));
        int w = (int) Math.round(h * aspect);
        return new Work(r, actual, String.format(Locale.ROOT, "atelier-%05d", index), Math.max(64, w), Math.max(64, h)).paint();
    }

    /** A signed distance in pixels: negative inside. */
    @FunctionalInterface
    interface Field {
        double at(double x, double y);
    }

    /** The colour of a part at a pixel, given the signed distance there (for rim shading). */
    @FunctionalInterface
    interface Pigment {
        int at(double x, double y, double d);
    }

    /** One part: a field, its label (or {@link #PAINT}), its pigment, a contour and a bounding box. */
    record Part(Field field, int label, Pigment pigment, double contour, int ink, double x0, double y0, double x1, double y1, double alpha) {
    }

    static Field circle(double cx, double cy, double r) {
        return (x, y) -> Math.hypot(x - cx, y - cy) - r;
    }

    static Field ellipse(double cx, double cy, double rx, double ry) {
        double m = Math.min(rx, ry);
        return (x, y) -> (Math.hypot((x - cx) / rx, (y - cy) / ry) - 1) * m;
    }

    static Field capsule(double ax, double ay, double bx, double by, double r) {
        double dx = bx - ax;
        double dy = by - ay;
        double len2 = Math.max(1e-9, dx * dx + dy * dy);
        return (x, y) -> {
            double t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
            return Math.hypot(x - ax - t * dx, y - ay - t * dy) - r;
        };
    }

    static Field box(double cx, double cy, double hw, double hh, double round) {
        return (x, y) -> {
            double qx = Math.abs(x - cx) - hw + round;
            double qy = Math.abs(y - cy) - hh + round;
            return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - round;
        };
    }

    /** A star-shaped curve around a centre: radius {@code radius(θ)} with θ from the upward vertical. */
    static Field polar(double cx, double cy, DoubleUnaryOperator radius, double scaleY) {
        return (x, y) -> {
            double dx = x - cx;
            double dy = (y - cy) / scaleY;
            double theta = Math.atan2(dx, -dy);
            return (Math.hypot(dx, dy) - radius.applyAsDouble(theta)) * Math.min(1, scaleY);
        };
    }

    /** A trapezoid with horizontal top (half-width {@code top}) and bottom (half-width {@code bottom}). */
    static Field trapezoid(double cx, double y0, double y1, double top, double bottom) {
        return (x, y) -> {
            double t = Math.max(0, Math.min(1, (y - y0) / (y1 - y0)));
            double half = top + (bottom - top) * t;
            double side = Math.abs(x - cx) - half;
            double vertical = Math.max(y0 - y, y - y1);
            return Math.max(side * 0.95, vertical);
        };
    }

    static Field union(Field a, Field b, double k) {
        return (x, y) -> {
            double da = a.at(x, y);
            double db = b.at(x, y);
            if (k <= 0) {
                return Math.min(da, db);
            }
            double hh = Math.max(0, Math.min(1, 0.5 + 0.5 * (db - da) / k));
            return db * (1 - hh) + da * hh - k * hh * (1 - hh);
        };
    }

    static Field intersect(Field a, Field b) {
        return (x, y) -> Math.max(a.at(x, y), b.at(x, y));
    }

    static Field minus(Field a, Field b) {
        return (x, y) -> Math.max(a.at(x, y), -b.at(x, y));
    }

    /** A pointed petal (vesica): two circles' intersection, from (x, y) towards angle θ, of length len. */
    static Field petal(double x, double y, double theta, double len, double fat) {
        double mx = x + Math.sin(theta) * len / 2;
        double my = y - Math.cos(theta) * len / 2;
        double half = len / 2;
        double rr = (half * half + (half * fat) * (half * fat)) / (2 * half * fat);
        double off = rr - half * fat;
        double nx = Math.cos(theta);
        double ny = Math.sin(theta);
        return intersect(circle(mx + nx * off, my + ny * off, rr), circle(mx - nx * off, my - ny * off, rr));
    }

    private final class Work {
        final Random r;
        final String style;
        final String id;
        final int w;
        final int h;
        final List<Part> parts = new ArrayList<>();
        final int ground;
        final int ink;
        final int gold;
        final boolean poster;
        final int scheme;
        double inset;

        Work(Random r, String style, String id, int w, int h) {
            this.r = r;
            this.style = style;
            this.id = id;
            this.w = w;
            this.h = h;
            this.poster = style.equals("flat");
            this.scheme = poster ? 3 : r.nextInt(10) < 6 ? 0 : r.nextInt(10) < 5 ? 1 : 2;
            this.gold = shade(0xd6ac45, r.nextInt(30) - 15);
            this.ground = switch (scheme) {
                case 1 -> shade(0x15120f, r.nextInt(12));
                case 2 -> shade(0x9e2418, r.nextInt(30) - 15);
                case 3 -> pigment();
                default -> shade(PIGMENTS[r.nextInt(3)], r.nextInt(40) - 20);
            };
            this.ink = scheme == 1 || scheme == 2 ? gold : poster ? 0x101010 : shade(0x3b2414, r.nextInt(20));
        }

        double u(double lo, double hi) {
            return lo + (hi - lo) * r.nextDouble();
        }

        boolean chance(double p) {
            return r.nextDouble() < p;
        }

        int pigment() {
            return shade(PIGMENTS[r.nextInt(PIGMENTS.length)], r.nextInt(36) - 18);
        }

        /** On monochrome grounds most parts are drawn in gold and ground tones. */
        int colour(int preferred) {
            if (scheme == 1 || scheme == 2) {
                return chance(0.6) ? shade(gold, r.nextInt(50) - 25) : shade(preferred, -40);
            }
            return preferred;
        }

        Pigment paintOf(int rgb) {
            if (poster) {
                return (x, y, d) -> rgb;
            }
            double rim = u(3, 14);
            double grain = u(4, 16);
            double weaveAmp = chance(0.5) ? u(2, 8) : 0;
            double weaveF = u(0.6, 1.4);
            long salt = r.nextLong();
            return (x, y, d) -> {
                double depth = Math.min(1, -d / rim);
                double shadeBy = -40 * (1 - Math.max(0, depth));
                double n = grain * (valueNoise(x * 0.15, y * 0.15, salt) - 0.5) * 2;
                double weave = weaveAmp * Math.sin(x * weaveF) * Math.sin(y * weaveF);
                return shade(rgb, (int) Math.round(shadeBy + n + weave));
            };
        }

        void add(Field f, int label, int rgb, double contour, double x0, double y0, double x1, double y1) {
            parts.add(new Part(f, label, paintOf(rgb), contour, ink, x0, y0, x1, y1, 1));
        }

        void add(Field f, int label, Pigment p, double contour, double x0, double y0, double x1, double y1) {
            add(f, label, p, contour, x0, y0, x1, y1, 1);
        }

        void add(Field f, int label, Pigment p, double contour, double x0, double y0, double x1, double y1, double alpha) {
            parts.add(new Part(f, label, p, contour, ink, x0, y0, x1, y1, alpha));
        }

        double line() {
            return poster ? u(1.2, 2.5) : chance(0.15) ? 0 : u(0.4, 1.4);
        }

        Painting paint() {
            inset = chance(0.3) ? Math.min(w, h) * u(0.06, 0.12) : 0;
            double innerW = w - 2 * inset;
            double innerH = h - 2 * inset - (inset > 0 ? inset * 0.6 : 0);
            double cx = inset + innerW * (chance(0.75) ? u(0.47, 0.53) : u(0.38, 0.62));
            double size = Math.min(innerH * u(0.55, 0.88), innerW * u(0.8, 1.3));
            double topY = inset + (innerH - size) * u(0.15, 0.8);
            double headR = size * u(0.045, 0.065);
            double headY = topY + size * u(0.12, 0.18);
            double chestY = headY + headR * 1.6;
            double hipY = chestY + size * u(0.25, 0.32);
            boolean standing = chance(0.15);
            double baseY = Math.min(standing ? topY + size : hipY + size * u(0.1, 0.16), inset + innerH - 2);
            double shoulder = size * u(0.09, 0.14);

            boolean hasHalo = chance(0.8);
            boolean hasAureole = chance(0.8);
            boolean hasLotus = chance(0.8);
            boolean flames = hasAureole && chance(0.4);
            boolean raised = chance(0.3);
            int arms = new int[] {2, 2, 4, 4, 6, 2}[r.nextInt(6)];
            int body = r.nextInt(BODY.length);
            boolean hidden = style.equals("hidden");
            int hide = hidden ? pickHidden(hasHalo, hasAureole, hasLotus) : 0;

            background(cx, size);
            if (hasAureole) {
                aureole(cx, hipY - size * u(0.05, 0.2), size, flames, hide == BACKLIGHT);
            }
            if (hasHalo) {
                halo(cx, headY + headR * u(-0.4, 0.1), headR * u(1.7, 2.9), hide == HALO);
            } else if (hide == -HALO) {
                double rr = headR * u(1.8, 2.6);
                add(circle(cx, headY, rr), PAINT, shade(ground, 35), 0, cx - rr, headY - rr, cx + rr, headY + rr);
            }
            if (hasLotus) {
                lotus(cx, baseY, size, hide == LOTUS);
            } else if (chance(0.5)) {
                throne(cx, baseY, size);
            }
            figure(cx, size, headY, headR, chestY, hipY, baseY, shoulder, standing, arms, raised, BODY_RGB[body]);
            offerings(cx, baseY, size);
            if (inset > 0) {
                mount();
            }
            byte[] labels = new byte[w * h];
            BufferedImage image = render(labels);
            if (style.equals("degraded") || hidden) {
                age(image, hidden ? 0.5 : 1.0);
            }
            Map<String, Object> truth = new LinkedHashMap<>();
            truth.put("single_figure", true);
            truth.put("multi_limbed", arms > 2);
            truth.put("lotus_seat", hasLotus);
            truth.put("halo", hasHalo);
            truth.put("backlight", hasAureole);
            truth.put("flames", flames);
            truth.put("raised_hand", raised);
            truth.put("degraded", style.equals("degraded") || hidden);
            truth.put("arm_count", arms);
            truth.put("body_color", BODY[body]);
            truth.put("school", new String[] {"Menri", "Karma Gadri", "Newar", "Khyenri"}[r.nextInt(4)]);
            Scribe.Text text = new Scribe(r).write(truth, standing, hide);
            return new Painting(id, image, labels, text.caption(), style, new Painting.Attributes(truth, text.stated()), "atelier", "atelier");
        }

        int pickHidden(boolean halo, boolean aureole, boolean lotus) {
            List<Integer> options = new ArrayList<>();
            if (halo) {
                options.add(HALO);
            } else {
                options.add(-HALO);
            }
            if (aureole) {
                options.add(BACKLIGHT);
            }
            if (lotus) {
                options.add(LOTUS);
            }
            return options.get(r.nextInt(options.size()));
        }

        void background(double cx, double size) {
            int sky = scheme == 0 ? shade(chance(0.5) ? 0x2b5f8f : 0x3f7f72, r.nextInt(40) - 20) : ground;
            int low = scheme == 0 ? shade(0x5c8a4a, r.nextInt(40) - 20) : shade(ground, 20);
            double horizon = h * u(0.55, 0.85);
            double hillAmp = h * u(0.02, 0.08);
            double hillF = u(0.01, 0.05);
            double phase = u(0, 6);
            Pigment skyPaint = poster ? (x, y, d) -> sky : (x, y, d) -> shade(sky, (int) ((y / h) * 50 - 25));
            add((x, y) -> -1e6, BACKGROUND, skyPaint, 0, 0, 0, w, h, 1);
            add((x, y) -> (horizon + hillAmp * Math.sin(x * hillF + phase)) - y, BACKGROUND, low, line() * 0.5, 0, horizon - hillAmp - 2, w, h);
            int clouds = r.nextInt(6);
            for (int i = 0; i < clouds; i++) {
                double x = chance(0.5) ? u(0, 0.28) * w : u(0.72, 1) * w;
                double y = u(0.02, 0.6) * h;
                double k = size * u(0.03, 0.07);
                Field f = circle(x, y, k);
                for (int b = 1; b < 4; b++) {
                    f = union(f, circle(x + b * k * 0.9 * (chance(0.5) ? 1 : -1), y + u(-0.4, 0.4) * k, k * u(0.6, 1)), k * 0.4);
                }
                add(f, BACKGROUND, chance(0.5) ? 0xf2efe6 : shade(sky, 60), line(), x - 5 * k, y - 2 * k, x + 5 * k, y + 2 * k);
            }
            int attendants = r.nextInt(5);
            for (int i = 0; i < attendants; i++) {
                double x = chance(0.5) ? u(0.05, 0.2) * w : u(0.8, 0.95) * w;
                double y = u(0.1, 0.85) * h;
                double k = size * u(0.035, 0.06);
                add(circle(x, y, k * 1.6), BACKGROUND, colour(pigment()), line(), x - 2 * k, y - 2 * k, x + 2 * k, y + 2 * k);
                add(union(circle(x, y - k * 0.5, k * 0.45), ellipse(x, y + k * 0.6, k * 0.8, k * 0.7), k * 0.3), BACKGROUND,
                        colour(pigment()), line(), x - 2 * k, y - 2 * k, x + 2 * k, y + 2 * k);
            }
            int flowers = r.nextInt(4);
            for (int i = 0; i < flowers; i++) {
                double x = u(0.05, 0.95) * w;
                double y = u(0.6, 0.95) * h;
                double k = size * u(0.03, 0.05);
                int petals = 5 + r.nextInt(4);
                int hue = chance(0.5) ? 0xe58c9c : pigment();
                for (int p = 0; p < petals; p++) {
                    double a = 2 * Math.PI * p / petals;
                    add(petal(x, y, a, k * 1.4, 0.6), BACKGROUND, hue, line(), x - 2 * k, y - 2 * k, x + 2 * k, y + 2 * k);
                }
            }
        }

        void aureole(double cx, double cy, double size, boolean flames, boolean faint) {
            double ry = size * u(0.34, 0.5);
            double rx = size * u(0.25, 0.4);
            int kind = flames ? 0 : 1 + r.nextInt(3);
            double waves = 8 + r.nextInt(18);
            double amp = flames ? u(0.05, 0.12) : u(0.015, 0.04);
            double point = u(0.1, 0.35);
            DoubleUnaryOperator radius = switch (kind) {
                case 0 -> t -> 1 + amp * Math.abs(Math.sin(t * waves)) + point * Math.pow(Math.max(0, Math.cos(t)), 8);
                case 1 -> t -> 1 + point * Math.pow(Math.max(0, Math.cos(t)), 12);
                case 2 -> t -> 1 + amp * Math.cos(t * waves) * 2;
                default -> t -> 1 - amp + amp * 3 * Math.abs(Math.cos(t * waves / 2));
            };
            double scaleY = ry / rx;
            Field f = polar(cx, cy, t -> rx * radius.applyAsDouble(t), scaleY);
            int base = flames ? shade(0xd9482b, r.nextInt(40) - 20) : colour(pigment());
            double extent = 1 + point + 3 * amp;
            double alpha = faint ? u(0.06, 0.16) : 1;
            add(f, BACKLIGHT, paintOf(base), faint ? 0 : line(), cx - rx * extent, cy - ry * extent, cx + rx * extent, cy + ry * extent, alpha);
            if (!faint && chance(0.7)) {
                int bands = 1 + r.nextInt(3);
                for (int i = 1; i <= bands; i++) {
                    double k = 1 - i * u(0.1, 0.18);
                    Field inner = polar(cx, cy, t -> rx * k * radius.applyAsDouble(t), scaleY);
                    add(intersect(f, inner), PAINT, paintOf(chance(0.5) ? shade(base, 40) : colour(pigment())), 0,
                            cx - rx * extent, cy - ry * extent, cx + rx * extent, cy + ry * extent, 1);
                }
            }
            if (!faint && chance(0.6)) {
                double spokes = 16 + r.nextInt(30);
                double thick = u(0.02, 0.05);
                Field rays = intersect(f, (x, y) -> {
                    double a = Math.atan2(x - cx, -(y - cy)) * spokes / (2 * Math.PI);
                    return (Math.abs(a - Math.rint(a)) - thick) * 30;
                });
                add(rays, PAINT, paintOf(shade(gold, -10)), 0, cx - rx * extent, cy - ry * extent, cx + rx * extent, cy + ry * extent, 1);
            }
        }

        void halo(double cx, double cy, double radius, boolean faint) {
            int kind = r.nextInt(4);
            Field f = switch (kind) {
                case 0 -> circle(cx, cy, radius);
                case 1 -> polar(cx, cy, t -> radius * (1 + 0.07 * Math.abs(Math.sin(t * (6 + r.nextInt(6))))), 1);
                case 2 -> polar(cx, cy, t -> radius * (1 + 0.25 * Math.pow(Math.max(0, Math.cos(t)), 10)), u(1, 1.15));
                default -> ellipse(cx, cy, radius, radius * u(1.0, 1.2));
            };
            int base = colour(pigment());
            double alpha = faint ? u(0.06, 0.16) : 1;
            double ext = radius * 1.4;
            add(f, HALO, paintOf(base), faint ? 0 : line(), cx - ext, cy - ext, cx + ext, cy + ext, alpha);
            if (faint) {
                return;
            }
            if (chance(0.5)) {
                int pearls = 14 + r.nextInt(14);
                double pr = radius * u(0.05, 0.09);
                for (int i = 0; i < pearls; i++) {
                    double a = 2 * Math.PI * i / pearls;
                    double px = cx + Math.sin(a) * (radius - pr * 1.4);
                    double py = cy - Math.cos(a) * (radius - pr * 1.4);
                    add(circle(px, py, pr), PAINT, shade(0xf3ead8, r.nextInt(20) - 10), 0, px - pr - 1, py - pr - 1, px + pr + 1, py + pr + 1);
                }
            }
            int rings = r.nextInt(3);
            for (int i = 1; i <= rings; i++) {
                double k = radius * (1 - i * u(0.15, 0.25));
                add(circle(cx, cy, k), PAINT, paintOf(colour(pigment())), line(), cx - k, cy - k, cx + k, cy + k);
            }
        }

        void lotus(double cx, double baseY, double size, boolean lost) {
            double span = size * u(0.2, 0.34);
            double tall = size * u(0.06, 0.12);
            int base = colour(chance(0.5) ? shade(0xe58c9c, r.nextInt(30) - 15) : pigment());
            int fans = 1 + r.nextInt(2);
            double pivotDrop = span * u(0.8, 1.6);
            for (int fan = 0; fan < fans; fan++) {
                double py = baseY + pivotDrop - fan * tall * 0.6;
                int count = 7 + r.nextInt(8);
                double spread = Math.atan2(span, pivotDrop) * u(0.9, 1.1);
                double len = Math.hypot(span, pivotDrop) - pivotDrop + tall * u(1.2, 1.8);
                double start = pivotDrop - tall * 0.3;
                for (int i = 0; i < count; i++) {
                    double a = -spread + 2 * spread * i / (count - 1);
                    double sx = cx + Math.sin(a) * start;
                    double sy = py - Math.cos(a) * start;
                    Field p = petal(sx, sy, a, len, u(0.35, 0.6));
                    int tone = shade(base, fan * 25 + r.nextInt(20) - 10);
                    add(p, LOTUS, tone, line(), sx - len, sy - len * 1.2, sx + len, sy + len * 0.2);
                }
            }
            if (chance(0.4)) {
                add(ellipse(cx, baseY - tall * 1.2, span * 0.75, tall * 0.35), LOTUS, shade(0xf3ead8, -10), line(),
                        cx - span, baseY - tall * 2, cx + span, baseY);
            }
            if (lost) {
                double lw = span * 1.25;
                double lh = tall * 2.2;
                long salt = r.nextLong();
                Field loss = (x, y) -> (Math.hypot((x - cx) / lw, (y - baseY + tall * 0.5) / lh) - 1 + 0.2 * valueNoise(x * 0.08, y * 0.08, salt)) * lh;
                add(loss, PAINT, paintOf(0xd2c4a2), 0, cx - lw * 1.3, baseY - lh * 2, cx + lw * 1.3, baseY + lh);
            }
        }

        void throne(double cx, double baseY, double size) {
            double tw = size * u(0.2, 0.32);
            double th = size * u(0.05, 0.12);
            add(box(cx, baseY + th * 0.3, tw, th, th * 0.2), BACKGROUND, colour(pigment()), line(), cx - tw - 2, baseY - th - 2, cx + tw + 2, baseY + th * 1.5);
        }

        void figure(double cx, double size, double headY, double headR, double chestY, double hipY, double baseY, double shoulder,
                boolean standing, int arms, boolean raised, int skinRgb) {
            int skin = scheme == 3 ? skinRgb : shade(skinRgb, r.nextInt(24) - 12);
            int robe = colour(pigment());
            Field torso = trapezoid(cx, chestY - headR * 0.3, hipY, shoulder, shoulder * u(0.6, 0.85));
            Field head = ellipse(cx, headY, headR, headR * u(1.15, 1.35));
            Field neck = capsule(cx, headY, cx, chestY, headR * 0.45);
            Field skinParts = union(union(torso, neck, headR * 0.3), head, headR * 0.2);
            double armR = size * u(0.014, 0.024);
            for (int pair = 0; pair < arms / 2; pair++) {
                for (int side = -1; side <= 1; side += 2) {
                    boolean up = raised && pair == 0 && side == -1;
                    double sx = cx + side * shoulder * 0.9;
                    double sy = chestY + armR;
                    double ex = sx + side * size * u(0.04, 0.09) * (1 + pair * 0.6);
                    double ey = up ? sy - size * u(0.04, 0.08) : sy + size * u(0.08, 0.14) - pair * size * 0.06;
                    double hx = up ? ex + side * size * 0.01 : cx + side * size * u(0.02, 0.1) * (1 + pair);
                    double hy = up ? ey - size * u(0.08, 0.12) : ey + size * u(0.02, 0.08) - pair * size * 0.05;
                    Field arm = union(capsule(sx, sy, ex, ey, armR), capsule(ex, ey, hx, hy, armR * 0.85), armR * 0.5);
                    arm = union(arm, circle(hx, hy, armR * 1.3), armR * 0.4);
                    skinParts = union(skinParts, arm, armR * 0.6);
                    if (chance(0.4)) {
                        double len = size * u(0.05, 0.1);
                        add(capsule(hx, hy, hx + side * len * 0.3, hy - len, armR * 0.5), FIGURE, colour(gold), line(),
                                hx - len, hy - len * 1.2, hx + len, hy + len * 0.2);
                    }
                }
            }
            Field legs;
            if (standing) {
                double gap = shoulder * 0.35;
                legs = union(capsule(cx - gap, hipY, cx - gap * 1.2, baseY, size * 0.035), capsule(cx + gap, hipY, cx + gap * 1.2, baseY, size * 0.035), 0);
            } else {
                double lw = size * u(0.17, 0.24);
                double lh = (baseY - hipY) * u(0.7, 1.0);
                legs = union(ellipse(cx, baseY - lh * 0.5, lw, lh * 0.5), trapezoid(cx, hipY - size * 0.02, baseY - lh * 0.4, shoulder * 0.75, lw * 0.9), size * 0.02);
            }
            double ext = size * 0.6;
            add(legs, FIGURE, robe, line(), cx - ext, hipY - ext * 0.2, cx + ext, baseY + 4);
            add(skinParts, FIGURE, skin, line(), cx - ext, headY - headR * 2, cx + ext, hipY + size * 0.2);
            if (chance(0.6)) {
                double k = headR;
                Field crown = intersect(ellipse(cx, headY - k * 0.9, k * 1.1, k * 0.7), (x, y) -> y - (headY - k * 0.8));
                add(crown, FIGURE, colour(gold), line(), cx - 2 * k, headY - 2 * k, cx + 2 * k, headY);
            }
            if (chance(0.5)) {
                add(trapezoid(cx, chestY + size * 0.04, hipY, shoulder * 0.5, shoulder * 0.7), FIGURE, robe, line(),
                        cx - shoulder, chestY, cx + shoulder, hipY + 2);
            }
            if (chance(0.5)) {
                for (int side = -1; side <= 1; side += 2) {
                    double x0 = cx + side * shoulder;
                    double x1 = cx + side * shoulder * u(1.8, 2.8);
                    double y1 = hipY + size * u(-0.02, 0.1);
                    add(capsule(x0, chestY, x1, y1, size * 0.009), FIGURE, colour(pigment()), 0,
                            Math.min(x0, x1) - 4, chestY - 4, Math.max(x0, x1) + 4, y1 + 4);
                }
            }
        }

        void offerings(double cx, double baseY, double size) {
            for (int i = r.nextInt(4); i > 0; i--) {
                double x = cx + u(-0.45, 0.45) * size;
                double k = size * u(0.025, 0.05);
                double y = Math.min(h - inset - k, baseY + k * u(0, 1.5));
                add(union(ellipse(x, y, k, k * 0.45), circle(x, y - k * 0.5, k * 0.55), k * 0.2), BACKGROUND, colour(pigment()), line(),
                        x - 2 * k, y - 2 * k, x + 2 * k, y + 2 * k);
            }
        }

        void mount() {
            int brocade = shade(chance(0.5) ? 0x27407a : 0x8d6a2a, r.nextInt(30) - 15);
            double i = inset;
            double bottom = inset * 1.6;
            // Positive inside the picture, negative on the mount.
            Field frame = (x, y) -> Math.min(Math.min(x - i, w - i - x), Math.min(y - i, h - bottom - y));
            long salt = r.nextLong();
            Pigment silk = (x, y, d) -> shade(brocade, (int) (30 * (valueNoise(x * 0.3, y * 0.3, salt) - 0.5)
                    + 12 * Math.sin(x * 0.9) * Math.sin(y * 0.9)));
            add(frame, BACKGROUND, silk, 0, 0, 0, w, h, 1);
            double band = Math.max(1.5, i * 0.12);
            add((x, y) -> Math.abs(frame.at(x, y) - band) - band, BACKGROUND, paintOf(0xc23b2e), 0, 0, 0, w, h);
            add((x, y) -> Math.abs(frame.at(x, y) - band * 3) - band, BACKGROUND, paintOf(0xe6be44), 0, 0, 0, w, h);
        }

        BufferedImage render(byte[] labels) {
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                double py = y + 0.5;
                for (int x = 0; x < w; x++) {
                    double px = x + 0.5;
                    double red = 0;
                    double green = 0;
                    double blue = 0;
                    int label = BACKGROUND;
                    for (Part p : parts) {
                        if (px < p.x0() || px > p.x1() || py < p.y0() || py > p.y1()) {
                            continue;
                        }
                        double d = p.field().at(px, py);
                        double cover = Math.max(0, Math.min(1, 0.5 - d));
                        if (cover > 0) {
                            int c = p.pigment().at(px, py, d);
                            double a = cover * p.alpha();
                            red += (((c >> 16) & 0xff) - red) * a;
                            green += (((c >> 8) & 0xff) - green) * a;
                            blue += ((c & 0xff) - blue) * a;
                            if (cover >= 0.5 && p.label() >= 0) {
                                label = p.label();
                            }
                        }
                        if (p.contour() > 0) {
                            double k = Math.max(0, Math.min(1, p.contour() - Math.abs(d))) * p.alpha();
                            if (k > 0) {
                                red += (((p.ink() >> 16) & 0xff) - red) * k;
                                green += (((p.ink() >> 8) & 0xff) - green) * k;
                                blue += ((p.ink() & 0xff) - blue) * k;
                            }
                        }
                    }
                    labels[y * w + x] = (byte) label;
                    row[x] = (clamp((int) red) << 16) | (clamp((int) green) << 8) | clamp((int) blue);
                }
                image.setRGB(0, y, w, 1, row, 0, w);
            }
            return image;
        }

        /** Soot, abrasion, tide lines, mould, faded reds, blocky compression; paint only. */
        void age(BufferedImage image, double strength) {
            long soot = r.nextLong();
            long wear = r.nextLong();
            double sootAmount = strength * u(0.1, 0.45);
            double abrasion = strength * u(0.05, 0.3);
            double redFade = strength * u(0, 0.5);
            int groundRgb = shade(0xd8c9a3, r.nextInt(20) - 10);
            double tideX = u(0, w);
            double tideY = u(0, h);
            double tideR = Math.min(w, h) * u(0.2, 0.6);
            boolean tide = chance(0.5 * strength + 0.2);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int c = row[x];
                    double red = (c >> 16) & 0xff;
                    double green = (c >> 8) & 0xff;
                    double blue = c & 0xff;
                    double fadeRed = redFade * Math.max(0, (red - Math.max(green, blue)) / 255.0);
                    red -= (red - green) * fadeRed;
                    double dark = 1 - sootAmount * valueNoise(x * 0.02, y * 0.02, soot);
                    red *= dark;
                    green *= dark;
                    blue *= dark;
                    double worn = valueNoise(x * 0.2, y * 0.2, wear);
                    if (worn < abrasion * 0.6) {
                        double k = 0.7;
                        red += (((groundRgb >> 16) & 0xff) - red) * k;
                        green += (((groundRgb >> 8) & 0xff) - green) * k;
                        blue += ((groundRgb & 0xff) - blue) * k;
                    }
                    if (tide) {
                        double ring = Math.abs(Math.hypot(x - tideX, y - tideY) - tideR);
                        if (ring < 2.5) {
                            red *= 0.75;
                            green *= 0.7;
                            blue *= 0.6;
                        }
                    }
                    double noise = r.nextGaussian() * 6 * strength;
                    row[x] = (clamp((int) (red + noise)) << 16) | (clamp((int) (green + noise)) << 8) | clamp((int) (blue + noise));
                }
                image.setRGB(0, y, w, 1, row, 0, w);
            }
            for (int i = (int) (strength * r.nextInt(12)); i > 0; i--) {
                int mx = r.nextInt(w);
                int my = r.nextInt(h);
                int mr = 1 + r.nextInt(4);
                for (int y = Math.max(0, my - mr); y < Math.min(h, my + mr); y++) {
                    for (int x = Math.max(0, mx - mr); x < Math.min(w, mx + mr); x++) {
                        image.setRGB(x, y, 0x4a5a3a);
                    }
                }
            }
            if (chance(0.5)) {
                int block = 4 + 4 * r.nextInt(2);
                for (int by = 0; by < h; by += block) {
                    for (int bx = 0; bx < w; bx += block) {
                        long sr = 0;
                        long sg = 0;
                        long sb = 0;
                        int n = 0;
                        for (int y = by; y < Math.min(h, by + block); y++) {
                            for (int x = bx; x < Math.min(w, bx + block); x++) {
                                int c = image.getRGB(x, y);
                                sr += (c >> 16) & 0xff;
                                sg += (c >> 8) & 0xff;
                                sb += c & 0xff;
                                n++;
                            }
                        }
                        double k = 0.35;
                        for (int y = by; y < Math.min(h, by + block); y++) {
                            for (int x = bx; x < Math.min(w, bx + block); x++) {
                                int c = image.getRGB(x, y);
                                int nr = (int) (((c >> 16) & 0xff) * (1 - k) + sr / n * k);
                                int ng = (int) (((c >> 8) & 0xff) * (1 - k) + sg / n * k);
                                int nb = (int) ((c & 0xff) * (1 - k) + sb / n * k);
                                image.setRGB(x, y, (nr << 16) | (ng << 8) | nb);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Smooth value noise in [0, 1] on a lattice hashed from the salt. */
    static double valueNoise(double x, double y, long salt) {
        int xi = (int) Math.floor(x);
        int yi = (int) Math.floor(y);
        double fx = x - xi;
        double fy = y - yi;
        double sx = fx * fx * (3 - 2 * fx);
        double sy = fy * fy * (3 - 2 * fy);
        double a = lattice(xi, yi, salt);
        double b = lattice(xi + 1, yi, salt);
        double c = lattice(xi, yi + 1, salt);
        double d = lattice(xi + 1, yi + 1, salt);
        return (a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy;
    }

    private static double lattice(int x, int y, long salt) {
        long k = salt ^ (x * 0x9E3779B97F4A7C15L) ^ (y * 0xC2B2AE3D27D4EB4FL);
        k ^= k >>> 31;
        k *= 0xBF58476D1CE4E5B9L;
        k ^= k >>> 29;
        return (k >>> 11) * 0x1.0p-53;
    }

    static int shade(int rgb, int delta) {
        return (clamp(((rgb >> 16) & 0xff) + delta) << 16) | (clamp(((rgb >> 8) & 0xff) + delta) << 8) | clamp((rgb & 0xff) + delta);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}

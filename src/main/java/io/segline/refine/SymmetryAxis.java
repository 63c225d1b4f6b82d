package io.segline.refine;

/**
 * The bilateral symmetry axis of a painting, found from its pixels: the line (through a point on the
 * horizontal centre line, tilted from the vertical) about which the painting's colours best match their
 * mirror image. The match is weighted by how likely each pixel belongs to the composition rather than the
 * ground (the segmenter's non-background probability), so the figure's axis wins over the frame's centre
 * when the two differ.
 *
 * <p>Coordinates are continuous pixel coordinates of the working grid (pixel x covers [x, x+1)).
 *
 * @param x        where the axis crosses the horizontal centre line, in pixels
 * @param y        the height of that crossing (the grid's vertical centre), in pixels
 * @param tilt     angle of the axis from the vertical in radians, clockwise positive (the top leans right)
 * @param strength how much better the axis matches than the frame's own vertical centre line would, 0..1
 *                 (0: no better; a symmetric painting scores well above 0.1)
 */
public record SymmetryAxis(double x, double y, double tilt, double strength) {
    private static final double MAX_TILT_DEGREES = 12;

    /** The mirror of point (px, py) about this axis, written into {@code out} as {x, y}. */
    public void mirror(double px, double py, double[] out) {
        double dx = Math.sin(tilt);
        double dy = -Math.cos(tilt);
        double vx = px - x;
        double vy = py - y;
        double along = vx * dx + vy * dy;
        out[0] = x + 2 * along * dx - vx;
        out[1] = y + 2 * along * dy - vy;
    }

    public double tiltDegrees() {
        return Math.toDegrees(tilt);
    }

    /**
     * The best axis of a {@code w × h} grid of CIELAB colours ({@code lab[channel][y*w+x]}) with a weight per
     * pixel (null: all equal). Searched over crossings in the central 40% of the width and tilts up to
     * ±{@value #MAX_TILT_DEGREES}°, coarse then fine.
     */
    public static SymmetryAxis detect(float[][] lab, float[] weight, int w, int h) {
        double cy = h / 2.0;
        double bestX = w / 2.0;
        double bestTilt = 0;
        double bestCost = Double.MAX_VALUE;
        // Coarse: every second crossing on a grid of half the size (2×2 means), every second pixel of it. The fine
        // search below spans ±1.5 px around the winner, more than the coarse spacing, so nothing falls between.
        int hw = w / 2;
        int hh = h / 2;
        float[][] halfLab = new float[3][];
        for (int c = 0; c < 3; c++) {
            halfLab[c] = halve(lab[c], w, h);
        }
        float[] halfWeight = weight == null ? null : halve(weight, w, h);
        double halfCy = hh / 2.0;
        for (double x = 0.3 * w; x <= 0.7 * w; x += 2) {
            for (double degrees = -MAX_TILT_DEGREES; degrees <= MAX_TILT_DEGREES; degrees += 2) {
                double cost = cost(halfLab, halfWeight, hw, hh, x / 2, halfCy, Math.toRadians(degrees), 2);
                if (cost < bestCost) {
                    bestCost = cost;
                    bestX = x;
                    bestTilt = Math.toRadians(degrees);
                }
            }
        }
        double coarseX = bestX;
        double coarseTilt = bestTilt;
        bestCost = Double.MAX_VALUE;
        for (double x = coarseX - 1.5; x <= coarseX + 1.5; x += 0.25) {
            for (double t = coarseTilt - Math.toRadians(2); t <= coarseTilt + Math.toRadians(2) + 1e-9; t += Math.toRadians(0.5)) {
                double cost = cost(lab, weight, w, h, x, cy, t, 2);
                if (cost < bestCost) {
                    bestCost = cost;
                    bestX = x;
                    bestTilt = t;
                }
            }
        }
        double centre = cost(lab, weight, w, h, w / 2.0, cy, 0, 1);
        double strength = 0;
        if (centre > 0 && Double.isFinite(centre)) {
            strength = Math.max(0, 1 - bestCost / centre);
        }
        // The reference for strength is the frame's centre line; when the best axis is that line, measure
        // against a clearly wrong one instead (a quarter of the width off), so a centred symmetric painting
        // still reads as symmetric.
        if (Math.abs(bestX - w / 2.0) < 2 && Math.abs(bestTilt) < Math.toRadians(1.5)) {
            double off = cost(lab, weight, w, h, w * 0.35, cy, 0, 1);
            strength = off > 0 && Double.isFinite(off) ? Math.max(0, 1 - bestCost / off) : 0;
        }
        return new SymmetryAxis(bestX, cy, bestTilt, strength);
    }

    /** Means of 2×2 blocks: a {@code w/2 × h/2} grid (an odd last row or column is left out). */
    static float[] halve(float[] plane, int w, int h) {
        int hw = w / 2;
        int hh = h / 2;
        float[] out = new float[hw * hh];
        for (int y = 0; y < hh; y++) {
            for (int x = 0; x < hw; x++) {
                int i = 2 * y * w + 2 * x;
                out[y * hw + x] = (plane[i] + plane[i + 1] + plane[i + w] + plane[i + w + 1]) / 4;
            }
        }
        return out;
    }

    /**
     * Weighted mean colour difference (CIELAB, L1) between pixels and their mirrors, over every
     * {@code stride}-th pixel whose mirror is inside the grid; infinite when less than a third of the
     * weight has a mirror inside.
     */
    static double cost(float[][] lab, float[] weight, int w, int h, double x, double y, double tilt, int stride) {
        double dx = Math.sin(tilt);
        double dy = -Math.cos(tilt);
        double sum = 0;
        double inside = 0;
        double all = 0;
        for (int py = 0; py < h; py += stride) {
            for (int px = 0; px < w; px += stride) {
                int i = py * w + px;
                double wi = weight == null ? 1 : weight[i];
                all += wi;
                double vx = px + 0.5 - x;
                double vy = py + 0.5 - y;
                double along = vx * dx + vy * dy;
                int mx = (int) Math.floor(x + 2 * along * dx - vx);
                int my = (int) Math.floor(y + 2 * along * dy - vy);
                if (mx < 0 || my < 0 || mx >= w || my >= h) {
                    continue;
                }
                int j = my * w + mx;
                double wj = weight == null ? 1 : weight[j];
                double pair = Math.max(wi, wj);
                inside += pair;
                sum += pair * (Math.abs(lab[0][i] - lab[0][j]) + Math.abs(lab[1][i] - lab[1][j]) + Math.abs(lab[2][i] - lab[2][j]));
            }
        }
        if (inside < all / 3 || inside == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return sum / inside;
    }
}

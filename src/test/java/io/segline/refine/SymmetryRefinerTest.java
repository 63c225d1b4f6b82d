package io.segline.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.segline.model.ClassProbabilities;
import io.segline.records.EnrichedCaption;
import io.segline.records.RefinementSummary;
import io.segline.records.Tristate;
import io.segline.testing.TestCaptions;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class SymmetryRefinerTest {
    private static final int W = 128;
    private static final int H = 160;
    private static final int SKY = 0x5a7ab0;

    /** Signed distance of a point from an axis through (ax, H/2) tilted by {@code tilt} (top leaning right), and the position along it. */
    private static double[] axisCoordinates(double px, double py, double ax, double tilt) {
        double dx = Math.sin(tilt);
        double dy = -Math.cos(tilt);
        double vx = px - ax;
        double vy = py - H / 2.0;
        double along = vx * dx + vy * dy;
        double across = vx * dy - vy * dx;
        return new double[] {across, along};
    }

    /**
     * A symmetric composition about the given axis: a body (ochre) and a halo ring (gold) on a sky whose
     * colour drifts from left to right, so that the frame's own centre line is not an axis of symmetry.
     */
    private static BufferedImage painting(double ax, double tilt) {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double[] c = axisCoordinates(x + 0.5, y + 0.5, ax, tilt);
                double across = Math.abs(c[0]);
                double along = c[1];
                int rgb;
                double headDistance = Math.hypot(across, along - 40);
                if (headDistance < 12) {
                    rgb = 0xd8a060;
                } else if (headDistance < 20) {
                    rgb = 0xf0d020;
                } else if (across < 24 - 0.1 * along && along < 28 && along > -50) {
                    rgb = 0xc08040;
                } else {
                    int drift = (int) (60.0 * x / W);
                    rgb = ((0x30 + drift) << 16) | (0x60 << 8) | (0xb0 - drift);
                }
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    private static float[][] planes(int classes) {
        return new float[classes][W * H];
    }

    private static void set(float[][] p, int i, int label, float confidence) {
        for (int c = 0; c < p.length; c++) {
            p[c][i] = c == label ? confidence : (1 - confidence) / (p.length - 1);
        }
    }

    @Test
    void shouldFindAnOffCentreAndTiltedAxisFromThePaintingRatherThanTheFrame() {
        for (double[] truth : new double[][] {{0.42 * W, Math.toRadians(6)}, {0.58 * W, Math.toRadians(-4)}, {0.5 * W, 0}}) {
            BufferedImage image = painting(truth[0], truth[1]);
            float[][] lab = SymmetryRefiner.lab(image, W, H);
            SymmetryAxis axis = SymmetryAxis.detect(lab, null, W, H);
            assertThat(axis.x()).as("axis crossing for %s", java.util.Arrays.toString(truth)).isCloseTo(truth[0], within(1.5));
            assertThat(axis.tiltDegrees()).as("axis tilt").isCloseTo(Math.toDegrees(truth[1]), within(1.5));
            assertThat(axis.strength()).as("a symmetric painting reads as symmetric").isGreaterThan(SymmetryRefiner.MIN_STRENGTH);
        }
    }

    @Test
    void shouldMirrorAPointBackOntoItselfAndKeepPointsOnTheAxis() {
        SymmetryAxis axis = new SymmetryAxis(50, 80, Math.toRadians(7), 1);
        double[] once = new double[2];
        double[] twice = new double[2];
        axis.mirror(20, 33, once);
        axis.mirror(once[0], once[1], twice);
        assertThat(twice[0]).isCloseTo(20, within(1e-9));
        assertThat(twice[1]).isCloseTo(33, within(1e-9));
        double[] onAxis = new double[2];
        axis.mirror(50 + 10 * Math.sin(Math.toRadians(7)), 80 - 10 * Math.cos(Math.toRadians(7)), onAxis);
        assertThat(onAxis[0]).isCloseTo(50 + 10 * Math.sin(Math.toRadians(7)), within(1e-9));
    }

    /** Labels of the symmetric painting: 1 figure (body and head), 2 halo ring, 0 sky. */
    private static int truth(int x, int y, double ax, double tilt) {
        double[] c = axisCoordinates(x + 0.5, y + 0.5, ax, tilt);
        double across = Math.abs(c[0]);
        double headDistance = Math.hypot(across, c[1] - 40);
        if (headDistance < 12) {
            return 1;
        }
        if (headDistance < 20) {
            return 2;
        }
        return across < 24 - 0.1 * c[1] && c[1] < 28 && c[1] > -50 ? 1 : 0;
    }

    @Test
    void shouldFillAHoleInTheHaloFromItsConfidentMirror() {
        double ax = 0.45 * W;
        double tilt = Math.toRadians(3);
        BufferedImage image = painting(ax, tilt);
        float[][] p = planes(3);
        int holes = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = y * W + x;
                int label = truth(x, y, ax, tilt);
                double[] c = axisCoordinates(x + 0.5, y + 0.5, ax, tilt);
                // The coarse mask lost the halo's left half: unsure there, background slightly ahead.
                if (label == 2 && c[0] > 0) {
                    p[0][i] = 0.55f;
                    p[1][i] = 0.05f;
                    p[2][i] = 0.40f;
                    holes++;
                } else {
                    set(p, i, label, 0.9f);
                }
            }
        }
        ClassProbabilities coarse = new ClassProbabilities(W, H, p);
        Refiner.Refined refined = new SymmetryRefiner().refine(image, coarse, TestCaptions.enriched(""));

        byte[] labels = refined.probabilities().labels();
        int fixed = 0;
        int interior = 0;
        int wrongElsewhere = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = y * W + x;
                int label = truth(x, y, ax, tilt);
                double[] c = axisCoordinates(x + 0.5, y + 0.5, ax, tilt);
                double ring = Math.hypot(c[0], c[1] - 40);
                if (label == 2 && c[0] > 0) {
                    // Pixels within a pixel and a half of the ring's rims see a smoothed mix of colours; count the rest.
                    if (ring > 13.5 && ring < 18.5) {
                        interior++;
                        fixed += labels[i] == 2 ? 1 : 0;
                    }
                } else if (labels[i] != label) {
                    wrongElsewhere++;
                }
            }
        }
        assertThat((double) fixed / interior).as("share of the hole filled").isGreaterThan(0.95);
        assertThat(wrongElsewhere).as("confident pixels keep their class").isLessThan(W * H / 200);
        RefinementSummary summary = refined.summary();
        assertThat(summary.getMethods()).containsExactly("symmetry");
        assertThat(summary.getSymmetryAxisX()).isCloseTo(ax / W, within(0.015));
        assertThat(summary.getSymmetryTiltDegrees()).isCloseTo(3.0, within(1.5));
        assertThat(summary.getChangedPixelFraction()).isGreaterThan(0.5 * holes / (W * H));
        assertThat(summary.getMeanAbsDelta()).isGreaterThan(0);
        assertThat(summary.getNotes()).singleElement().asString().startsWith("symmetry: axis at");
    }

    /** The symmetric painting with the figure's right hand raised into the sky, painted in {@code armColour}. */
    private static BufferedImage raisedHand(double ax, int armColour) {
        BufferedImage image = painting(ax, 0);
        for (int y = 30; y < 70; y++) {
            for (int x = (int) ax + 30; x < (int) ax + 36; x++) {
                image.setRGB(x, y, armColour);
            }
        }
        return image;
    }

    private static ClassProbabilities raisedHandMask(double ax, float armConfidence) {
        float[][] p = planes(3);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean arm = y >= 30 && y < 70 && x >= (int) ax + 30 && x < (int) ax + 36;
                set(p, y * W + x, arm ? 1 : truth(x, y, ax, 0), arm ? armConfidence : 0.95f);
            }
        }
        return new ClassProbabilities(W, H, p);
    }

    private static int armPixelsKept(ClassProbabilities refined, double ax) {
        byte[] labels = refined.labels();
        int kept = 0;
        for (int y = 30; y < 70; y++) {
            for (int x = (int) ax + 30; x < (int) ax + 36; x++) {
                kept += labels[y * W + x] == 1 ? 1 : 0;
            }
        }
        return kept;
    }

    @Test
    void shouldLeaveARaisedHandAloneBecauseItsMirrorLooksDifferent() {
        double ax = 0.5 * W;
        ClassProbabilities coarse = raisedHandMask(ax, 0.6f);
        Refiner.Refined refined = new SymmetryRefiner().refine(raisedHand(ax, 0xc08040), coarse, TestCaptions.enriched(""));
        assertThat(armPixelsKept(refined.probabilities(), ax)).isEqualTo(40 * 6);
    }

    @Test
    void shouldTakeTheCaptionsRaisedHandAsACueWhereThePixelsCannotTell() {
        double ax = 0.5 * W;
        // An arm painted in the colour of the sky on its mirror side: only the caption says the asymmetry is real.
        int mirrorSky = painting(ax, 0).getRGB((int) ax - 33, 50) & 0xffffff;
        BufferedImage image = raisedHand(ax, mirrorSky);
        ClassProbabilities coarse = raisedHandMask(ax, 0.6f);

        EnrichedCaption silent = TestCaptions.enriched("A deity seated in meditation.");
        EnrichedCaption raised = TestCaptions.enriched("A deity with the right hand raised in blessing.");
        assertThat(raised.getAttributes().getRaisedHand()).isEqualTo(Tristate.YES);

        int withoutCue = armPixelsKept(new SymmetryRefiner().refine(image, coarse, silent).probabilities(), ax);
        Refiner.Refined withCue = new SymmetryRefiner().refine(image, coarse, raised);
        assertThat(withoutCue).as("pulled towards the sky on its mirror side").isLessThan(40 * 6 / 2);
        assertThat(armPixelsKept(withCue.probabilities(), ax)).isEqualTo(40 * 6);
        assertThat(withCue.summary().getNotes().get(0)).contains("raised hand in the caption");
    }

    @Test
    void shouldLeaveAPaintingWithoutAClearAxisUnchangedAndSayWhy() {
        BufferedImage noise = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        java.util.Random r = new java.util.Random(5);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                noise.setRGB(x, y, r.nextInt(0xffffff));
            }
        }
        float[][] p = planes(3);
        for (int i = 0; i < W * H; i++) {
            set(p, i, r.nextInt(3), 0.5f);
        }
        ClassProbabilities coarse = new ClassProbabilities(W, H, p);
        Refiner.Refined refined = new SymmetryRefiner().refine(noise, coarse, TestCaptions.enriched(""));
        assertThat(refined.probabilities()).isSameAs(coarse);
        assertThat(refined.summary().getNotes().get(0)).contains("no clear axis");
        assertThat(refined.summary().getChangedPixelFraction()).isZero();
    }

    @Test
    void shouldRefuseUnknownAndBadlyChainedRefinerNames() {
        assertThatThrownBy(() -> Refiner.forMode("g4segg")).hasMessageContaining("Unknown refiner 'g4segg'");
        assertThatThrownBy(() -> Refiner.forMode("none+symmetry")).hasMessageContaining("cannot be chained");
        assertThatThrownBy(() -> Refiner.forMode(" ")).hasMessageContaining("No refiner");
        assertThat(Refiner.forMode("symmetry").name()).isEqualTo("symmetry");
    }
}

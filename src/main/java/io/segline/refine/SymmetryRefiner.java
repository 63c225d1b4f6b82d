package io.segline.refine;

import io.segline.imaging.Cielab;
import io.segline.imaging.Images;
import io.segline.model.ClassProbabilities;
import io.segline.records.EnrichedCaption;
import io.segline.records.RefinementSummary;
import io.segline.records.Tristate;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Symmetry-aware refinement, after SPIRIT's symmetry prior (§3.3): Thangka compositions are near-bilaterally
 * symmetric, so a pixel whose mirror image across the painting's axis looks the same should mostly carry the
 * same class.
 *
 * <p>The axis (crossing and tilt) is detected from the painting's colours, weighted towards the composition
 * by the coarse non-background probability ({@link SymmetryAxis}), not taken from the frame's centre. Each
 * pixel's class probabilities are then pooled with its mirror's in log space, log P* = (1−w)·log P + w·log
 * P(mirror), renormalised, with w = λ·a where a = exp(−(ΔE/σ)²) is how alike the two pixels look (CIELAB
 * distance ΔE of the smoothed painting). Log pooling lets the more certain side decide: a hole where the
 * coarse mask is unsure is filled from a confident mirror, while a pixel that is confident keeps its class
 * (w ≤ λ &lt; ½). Asymmetric parts are left alone because their mirrors look different (a raised hand
 * against the sky, a held object); when the caption says a hand is raised ({@code raisedHand} YES), pixels
 * of the figure above its centre are not pulled at all. A painting without a clear axis (strength below
 * {@value #MIN_STRENGTH}) is left as it is, and the summary says why.
 */
public final class SymmetryRefiner implements Refiner {
    static final double MIN_STRENGTH = 0.08;
    private static final int FIGURE = 1;
    private static final int BACKGROUND = 0;

    private final float lambda;
    private final float sigma;

    /**
     * @param lambda largest weight of the mirror's evidence, below ½ so a confident pixel keeps its class
     * @param sigma  colour distance (CIELAB ΔE) at which two pixels count as looking different
     */
    public SymmetryRefiner(float lambda, float sigma) {
        if (!(lambda > 0 && lambda < 0.5f) || !(sigma > 0)) {
            throw new IllegalArgumentException("lambda must lie in (0, 0.5) and sigma be positive");
        }
        this.lambda = lambda;
        this.sigma = sigma;
    }

    public SymmetryRefiner() {
        this(0.4f, 12f);
    }

    @Override
    public String name() {
        return "symmetry";
    }

    @Override
    public Refined refine(BufferedImage image, ClassProbabilities coarse, EnrichedCaption caption) {
        long started = System.nanoTime();
        int w = coarse.width();
        int h = coarse.height();
        int k = coarse.classes();
        float[][] lab = lab(image, w, h);
        float[][] p = coarse.planes();
        float[] weight = new float[w * h];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = 0.1f + (1 - p[BACKGROUND][i]);
        }
        SymmetryAxis axis = SymmetryAxis.detect(lab, weight, w, h);
        List<String> notes = new ArrayList<>();
        if (axis.strength() < MIN_STRENGTH) {
            notes.add(String.format(Locale.ROOT, "symmetry: no clear axis (strength %.3f below %.2f); left unchanged", axis.strength(),
                    MIN_STRENGTH));
            return new Refined(coarse, summary(axis, coarse, coarse, 0, notes, started));
        }
        boolean raisedHand = caption != null && caption.getAttributes() != null
                && caption.getAttributes().getRaisedHand() == Tristate.YES;
        byte[] labels = coarse.labels();
        double figureCentreY = figureCentreY(labels, w, h);

        float[][] out = new float[k][w * h];
        // Each probability's log once, not once per pixel that pools with it.
        float[][] logP = new float[k][w * h];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < w * h; i++) {
                logP[c][i] = (float) Math.log(Math.max(1e-6f, p[c][i]));
            }
        }
        double[] m = new double[2];
        double[] logs = new double[k];
        int pulled = 0;
        int protectedPixels = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                axis.mirror(x + 0.5, y + 0.5, m);
                int mx = (int) Math.floor(m[0]);
                int my = (int) Math.floor(m[1]);
                float wgt = 0;
                if (mx >= 0 && my >= 0 && mx < w && my < h) {
                    int j = my * w + mx;
                    double d = Math.abs(lab[0][i] - lab[0][j]) + Math.abs(lab[1][i] - lab[1][j]) + Math.abs(lab[2][i] - lab[2][j]);
                    double a = Math.exp(-(d / sigma) * (d / sigma));
                    wgt = (float) (lambda * a);
                    if (raisedHand && y < figureCentreY && (labels[i] == FIGURE || labels[j] == FIGURE)) {
                        wgt = 0;
                        protectedPixels++;
                    }
                    if (wgt > 1e-3f) {
                        pulled++;
                        double total = 0;
                        for (int c = 0; c < k; c++) {
                            double v = Math.exp((1 - wgt) * logP[c][i] + wgt * logP[c][j]);
                            logs[c] = v;
                            total += v;
                        }
                        for (int c = 0; c < k; c++) {
                            out[c][i] = (float) (logs[c] / total);
                        }
                        continue;
                    }
                }
                for (int c = 0; c < k; c++) {
                    out[c][i] = p[c][i];
                }
            }
        }
        ClassProbabilities refined = new ClassProbabilities(w, h, out);
        notes.add(String.format(Locale.ROOT, "symmetry: axis at %.3f of the width, tilt %.1f deg, strength %.2f; %.1f%% of pixels pooled with "
                + "their mirror%s", axis.x() / w, axis.tiltDegrees(), axis.strength(), 100.0 * pulled / (w * h),
                raisedHand ? String.format(Locale.ROOT, "; raised hand in the caption: %d figure pixels above its centre left alone",
                        protectedPixels) : ""));
        return new Refined(refined, summary(axis, coarse, refined, (double) pulled / (w * h), notes, started));
    }

    private static double figureCentreY(byte[] labels, int w, int h) {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == FIGURE) {
                sum += i / w + 0.5;
                n++;
            }
        }
        return n == 0 ? h / 2.0 : sum / n;
    }

    /** The painting at the grid's size, smoothed a little (a 3×3 box), in CIELAB planes. */
    static float[][] lab(BufferedImage image, int w, int h) {
        float[][] lab = Cielab.planes(Images.draw(Images.reduce(image, Math.max(w, h) * 2), w, h));
        for (int c = 0; c < 3; c++) {
            lab[c] = io.segline.imaging.BoxFilter.mean(lab[c], w, h, 1);
        }
        return lab;
    }

    static RefinementSummary summary(SymmetryAxis axis, ClassProbabilities before, ClassProbabilities after, double pooledFraction,
            List<String> notes, long startedNanos) {
        return RefinementSummary.newBuilder()
                .setMethods(List.of("symmetry"))
                .setChangedPixelFraction(Refinements.changedFraction(before, after))
                .setUncertainPixelFraction(pooledFraction)
                .setMeanAbsDelta(Refinements.meanAbsDelta(before, after))
                .setSymmetryAxisX(axis.x() / before.width())
                .setSymmetryTiltDegrees(axis.tiltDegrees())
                .setMillis((System.nanoTime() - startedNanos) / 1e6)
                .setNotes(notes)
                .build();
    }
}

package io.segline.refine;

import io.segline.model.ClassProbabilities;
import io.segline.records.EnrichedCaption;
import io.segline.records.RefinementSummary;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** What refiners share: the change measures of a summary, and running several in order. */
public final class Refinements {
    private Refinements() {
    }

    /** Fraction of pixels whose most probable class differs between the two. */
    public static double changedFraction(ClassProbabilities before, ClassProbabilities after) {
        byte[] a = before.labels();
        byte[] b = after.labels();
        long changed = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                changed++;
            }
        }
        return a.length == 0 ? 0 : (double) changed / a.length;
    }

    /** Mean |ΔS| over pixels and classes. */
    public static double meanAbsDelta(ClassProbabilities before, ClassProbabilities after) {
        float[][] a = before.planes();
        float[][] b = after.planes();
        double sum = 0;
        long n = 0;
        for (int c = 0; c < a.length; c++) {
            for (int i = 0; i < a[c].length; i++) {
                sum += Math.abs(a[c][i] - b[c][i]);
            }
            n += a[c].length;
        }
        return n == 0 ? 0 : sum / n;
    }

    /**
     * Refiners run one after the other, each on the previous one's output; the summary lists them in order,
     * takes each one's own settings and notes, and measures the change from the coarse mask to the end.
     */
    static final class Chain implements Refiner {
        private final List<Refiner> refiners;

        Chain(List<Refiner> refiners) {
            this.refiners = List.copyOf(refiners);
        }

        @Override
        public String name() {
            return String.join("+", refiners.stream().map(Refiner::name).toList());
        }

        @Override
        public Refined refine(BufferedImage image, ClassProbabilities coarse, EnrichedCaption caption) {
            long started = System.nanoTime();
            ClassProbabilities current = coarse;
            RefinementSummary.Builder merged = RefinementSummary.newBuilder().setChangedPixelFraction(0).setUncertainPixelFraction(0);
            List<String> methods = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (Refiner refiner : refiners) {
                Refined step = refiner.refine(image, current, caption);
                current = step.probabilities();
                RefinementSummary s = step.summary();
                methods.add(refiner.name());
                if (s == null) {
                    continue;
                }
                notes.addAll(s.getNotes());
                if (s.getSymmetryAxisX() != null) {
                    merged.setSymmetryAxisX(s.getSymmetryAxisX()).setSymmetryTiltDegrees(s.getSymmetryTiltDegrees());
                }
                if (s.getTimestep() != null) {
                    merged.setTimestep(s.getTimestep()).setAlpha(s.getAlpha()).setBeta(s.getBeta()).setBandLow(s.getBandLow())
                            .setBandHigh(s.getBandHigh()).setUncertainPixelFraction(s.getUncertainPixelFraction());
                }
            }
            return new Refined(current, merged.setMethods(methods).setNotes(notes)
                    .setChangedPixelFraction(changedFraction(coarse, current))
                    .setMeanAbsDelta(meanAbsDelta(coarse, current))
                    .setMillis((System.nanoTime() - started) / 1e6)
                    .build());
        }
    }
}

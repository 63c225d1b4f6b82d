package io.segline.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SPIRIT's segmentation metrics (§4.1), accumulated over any number of images and mergeable.
 *
 * <p>A confusion matrix {@code confusion[truth][predicted]} is accumulated over all pixels whose truth
 * is not {@link #IGNORE} (255). From it, per class c: {@code IoU_c = TP/(TP+FP+FN)},
 * {@code Dice_c = 2TP/(2TP+FP+FN)}, {@code Acc_c = TP/(TP+FN)}; and {@code PixAcc = ΣTP / Σ(TP+FN)},
 * the share of labelled pixels predicted correctly (SPIRIT prints ΣTP/Σ(TP+FP+FN); we use the standard
 * definition).
 *
 * <p><b>Which classes enter the means.</b> mIoU and mean Dice average over the classes that occur in the
 * prediction or the truth somewhere in the whole set (TP+FP+FN &gt; 0); a class absent from both is
 * excluded rather than counted as 0 or 1. mAcc averages over the classes present in the truth
 * (TP+FN &gt; 0), the only ones for which recall is defined.
 *
 * <p><b>macro-AUC.</b> With probability maps ({@link #addProbabilities}), each class is scored one
 * against the rest over the labelled pixels: the probability that a random pixel of the class gets a
 * higher score than a random pixel of another class, ties counting one half. Scores are binned into
 * {@value #AUC_BINS} bins, so scores closer than 1/{@value #AUC_BINS} count as ties. The macro-AUC is the
 * mean over the classes that have both positive and negative pixels.
 *
 * <p><b>Boundary F</b> ({@link #addBoundaries}, {@link BoundaryF}): per class, the mean over the images
 * where the class has a boundary in the prediction or the truth; the mean boundary F is the mean over
 * those classes (Csurka et al. 2013).
 */
public final class SegmentationMetrics {
    public static final int IGNORE = 255;
    static final int AUC_BINS = 1 << 14;

    private final int classes;
    private final long[][] confusion;
    private final long[][] positives;
    private final long[][] negatives;
    private final double[] boundarySum;
    private final int[] boundaryImages;
    private boolean hasProbabilities;

    public SegmentationMetrics(int classes) {
        this.classes = classes;
        this.boundarySum = new double[classes];
        this.boundaryImages = new int[classes];
        this.confusion = new long[classes][classes];
        this.positives = new long[classes][AUC_BINS];
        this.negatives = new long[classes][AUC_BINS];
    }

    /** Adds one image's labels (row-major, same size); truth 255 is ignored. */
    public void add(byte[] truth, byte[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("truth has " + truth.length + " pixels, prediction " + predicted.length);
        }
        for (int i = 0; i < truth.length; i++) {
            int t = truth[i] & 0xff;
            if (t == IGNORE) {
                continue;
            }
            int p = predicted[i] & 0xff;
            if (t >= classes || p >= classes) {
                throw new IllegalArgumentException("label " + Math.max(t, p) + " outside 0.." + (classes - 1) + " (and 255 = ignore)");
            }
            confusion[t][p]++;
        }
    }

    /** Adds one image's class probabilities ({@code p[c][pixel]}) for the AUC; truth 255 is ignored. */
    public void addProbabilities(byte[] truth, float[][] probabilities) {
        hasProbabilities = true;
        for (int i = 0; i < truth.length; i++) {
            int t = truth[i] & 0xff;
            if (t == IGNORE) {
                continue;
            }
            for (int c = 0; c < classes; c++) {
                int bin = Math.min(AUC_BINS - 1, Math.max(0, (int) (probabilities[c][i] * AUC_BINS)));
                if (t == c) {
                    positives[c][bin]++;
                } else {
                    negatives[c][bin]++;
                }
            }
        }
    }

    /** Adds one image's boundary F per class, at the default tolerance (0.75 % of the diagonal). */
    public void addBoundaries(byte[] truth, byte[] predicted, int width, int height) {
        addBoundaryScores(BoundaryF.perClass(truth, predicted, width, height, classes, BoundaryF.DEFAULT_TOLERANCE));
    }

    /** Adds per-class boundary F scores computed elsewhere (NaN: the class had no boundary in the image). */
    public void addBoundaryScores(double[] perClass) {
        for (int c = 0; c < classes && c < perClass.length; c++) {
            if (!Double.isNaN(perClass[c])) {
                boundarySum[c] += perClass[c];
                boundaryImages[c]++;
            }
        }
    }

    /** Adds a confusion matrix computed elsewhere (e.g. carried in a quality report). */
    public void addConfusion(long[][] other) {
        for (int t = 0; t < classes; t++) {
            for (int p = 0; p < classes; p++) {
                confusion[t][p] += other[t][p];
            }
        }
    }

    public void merge(SegmentationMetrics other) {
        addConfusion(other.confusion);
        for (int c = 0; c < classes; c++) {
            for (int b = 0; b < AUC_BINS; b++) {
                positives[c][b] += other.positives[c][b];
                negatives[c][b] += other.negatives[c][b];
            }
        }
        hasProbabilities |= other.hasProbabilities;
        for (int c = 0; c < classes; c++) {
            boundarySum[c] += other.boundarySum[c];
            boundaryImages[c] += other.boundaryImages[c];
        }
    }

    public long[][] confusion() {
        long[][] copy = new long[classes][];
        for (int t = 0; t < classes; t++) {
            copy[t] = confusion[t].clone();
        }
        return copy;
    }

    /** The metrics so far. Values are fractions in [0, 1]; undefined ones are NaN and left out of means. */
    public Result result(List<String> classNames) {
        double[] iou = new double[classes];
        double[] dice = new double[classes];
        double[] acc = new double[classes];
        double[] auc = new double[classes];
        double[] boundary = new double[classes];
        long correct = 0;
        long labelled = 0;
        for (int c = 0; c < classes; c++) {
            long tp = confusion[c][c];
            long fn = 0;
            long fp = 0;
            for (int o = 0; o < classes; o++) {
                if (o != c) {
                    fn += confusion[c][o];
                    fp += confusion[o][c];
                }
            }
            correct += tp;
            labelled += tp + fn;
            iou[c] = tp + fp + fn == 0 ? Double.NaN : (double) tp / (tp + fp + fn);
            dice[c] = tp + fp + fn == 0 ? Double.NaN : 2.0 * tp / (2.0 * tp + fp + fn);
            acc[c] = tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
            auc[c] = hasProbabilities ? auc(positives[c], negatives[c]) : Double.NaN;
            boundary[c] = boundaryImages[c] == 0 ? Double.NaN : boundarySum[c] / boundaryImages[c];
        }
        return new Result(mean(iou), mean(dice), mean(acc), labelled == 0 ? Double.NaN : (double) correct / labelled,
                hasProbabilities ? mean(auc) : Double.NaN, byName(classNames, iou), byName(classNames, dice),
                byName(classNames, acc), byName(classNames, auc), confusion(), labelled, mean(boundary), byName(classNames, boundary));
    }

    static double auc(long[] pos, long[] neg) {
        long p = Arrays.stream(pos).sum();
        long n = Arrays.stream(neg).sum();
        if (p == 0 || n == 0) {
            return Double.NaN;
        }
        double wins = 0;
        long negativesBelow = 0;
        for (int b = 0; b < pos.length; b++) {
            wins += pos[b] * (negativesBelow + 0.5 * neg[b]);
            negativesBelow += neg[b];
        }
        return wins / ((double) p * n);
    }

    private static double mean(double[] values) {
        double sum = 0;
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static Map<String, Double> byName(List<String> names, double[] values) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int c = 0; c < values.length; c++) {
            out.put(c < names.size() ? names.get(c) : "class-" + c, values[c]);
        }
        return out;
    }

    /** The metrics of a set; per-class maps hold NaN for undefined classes; boundary F is NaN when none was added. */
    public record Result(double mIoU, double dice, double mAcc, double pixAcc, double macroAUC,
            Map<String, Double> perClassIoU, Map<String, Double> perClassDice, Map<String, Double> perClassAcc,
            Map<String, Double> perClassAUC, long[][] confusion, long labelledPixels, double boundaryF,
            Map<String, Double> perClassBoundaryF) {

        /** Classes that enter the IoU and Dice means. */
        public List<String> includedClasses() {
            List<String> out = new ArrayList<>();
            perClassIoU.forEach((name, v) -> {
                if (!v.isNaN()) {
                    out.add(name);
                }
            });
            return out;
        }
    }
}

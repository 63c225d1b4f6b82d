package io.segline.quality;

import io.segline.model.ClassProbabilities;
import io.segline.records.GroundTruthMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores one image's probabilities against its ground-truth label map, at the ground truth's own
 * resolution (probabilities are resampled to it, then arg-maxed). The offline evaluation and the
 * stream's measure stage both score through here, so their numbers agree.
 */
public final class GroundTruth {
    private GroundTruth() {
    }

    /** One scored image: its predicted labels at ground-truth size and its metrics. */
    public record Scored(byte[] predicted, int width, int height, SegmentationMetrics metrics) {
    }

    /** Decodes a PNG label map; throws {@link IllegalArgumentException} when it is not one. */
    public static byte[] decode(byte[] png, int[] size) {
        return MaskEncoding.readLabelMap(png, size);
    }

    /** Scores the arg-max of the probabilities bilinearly resampled to the ground truth's size. */
    public static Scored score(ClassProbabilities probabilities, byte[] truth, int width, int height, boolean withProbabilities) {
        ClassProbabilities resized = probabilities.resize(width, height);
        return score(resized, resized.labels(), truth, width, height, withProbabilities);
    }

    /**
     * Scores labels already made at the ground truth's size (as the measure stage publishes them); the
     * probabilities, resampled bilinearly, only feed the macro-AUC when {@code withProbabilities}.
     */
    public static Scored score(ClassProbabilities probabilities, byte[] predicted, byte[] truth, int width, int height,
            boolean withProbabilities) {
        SegmentationMetrics metrics = new SegmentationMetrics(probabilities.classes());
        metrics.add(truth, predicted);
        metrics.addBoundaries(truth, predicted, width, height);
        if (withProbabilities) {
            metrics.addProbabilities(truth, probabilities.resize(width, height).planes());
        }
        return new Scored(predicted, width, height, metrics);
    }

    /** The record form carried in a quality report: the means of this image and its confusion matrix. */
    public static GroundTruthMetrics toRecord(SegmentationMetrics metrics, List<String> classNames) {
        SegmentationMetrics.Result r = metrics.result(classNames);
        Map<String, Double> iou = new LinkedHashMap<>();
        r.perClassIoU().forEach((name, value) -> {
            if (!value.isNaN()) {
                iou.put(name, value);
            }
        });
        List<Long> confusion = new ArrayList<>();
        for (long[] row : r.confusion()) {
            for (long v : row) {
                confusion.add(v);
            }
        }
        Map<String, Double> boundary = new LinkedHashMap<>();
        r.perClassBoundaryF().forEach((name, value) -> {
            if (!value.isNaN()) {
                boundary.put(name, value);
            }
        });
        return GroundTruthMetrics.newBuilder()
                .setBoundaryF(Double.isNaN(r.boundaryF()) ? null : r.boundaryF())
                .setPerClassBoundaryF(boundary)
                .setMIoU(r.mIoU())
                .setDice(r.dice())
                .setMAcc(r.mAcc())
                .setPixAcc(r.pixAcc())
                .setPerClassIoU(iou)
                .setConfusion(confusion)
                .build();
    }

    /** The confusion matrix of a quality report's ground-truth metrics. */
    public static long[][] confusion(GroundTruthMetrics metrics, int classes) {
        List<Long> flat = metrics.getConfusion();
        if (flat.size() != classes * classes) {
            throw new IllegalArgumentException("confusion matrix has " + flat.size() + " cells, expected " + classes * classes);
        }
        long[][] out = new long[classes][classes];
        for (int i = 0; i < flat.size(); i++) {
            out[i / classes][i % classes] = flat.get(i);
        }
        return out;
    }
}

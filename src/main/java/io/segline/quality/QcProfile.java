package io.segline.quality;

import io.segline.config.SeglineConfig;
import java.util.Locale;

/**
 * Star thresholds of the capture-QC measures for one line. Each measure has three thresholds t2, t3, t4
 * (for 2, 3 and 4 stars; below t2 is 1 star). Defaults, set so that clean captures at the design
 * resolution earn 3-4 stars and visibly blurred, noisy, clipped or cast ones 1-2:
 *
 * <table>
 * <caption>Defaults ({@code segline.qc.<measure>.stars=t2,t3,t4}; per line {@code segline.qc.line.<lineId>.<measure>.stars})</caption>
 * <tr><th>measure</th><th>better</th><th>t2, t3, t4</th></tr>
 * <tr><td>sharpness (Laplacian variance)</td><td>higher</td><td>60, 150, 400</td></tr>
 * <tr><td>noise (grey levels)</td><td>lower</td><td>8, 5, 3</td></tr>
 * <tr><td>shadowClipping (share)</td><td>lower</td><td>0.05, 0.02, 0.005</td></tr>
 * <tr><td>highlightClipping (share)</td><td>lower</td><td>0.05, 0.02, 0.005</td></tr>
 * <tr><td>meanLuminance (|L* - 50|)</td><td>lower</td><td>35, 25, 15</td></tr>
 * <tr><td>colourCastDeltaE (chroma of the mean colour)</td><td>lower</td><td>40, 28, 18</td></tr>
 * </table>
 */
public record QcProfile(Grade sharpness, Grade noise, Grade shadowClipping, Grade highlightClipping, Grade meanLuminance,
        Grade colourCast) {

    /** Thresholds of one measure; {@code higherIsBetter} says which way; {@code centre} is subtracted (absolute) first. */
    public record Grade(boolean higherIsBetter, double t2, double t3, double t4, double centre) {
        public int stars(double value) {
            double v = Double.isNaN(centre) ? value : Math.abs(value - centre);
            if (higherIsBetter) {
                return v >= t4 ? 4 : v >= t3 ? 3 : v >= t2 ? 2 : 1;
            }
            return v <= t4 ? 4 : v <= t3 ? 3 : v <= t2 ? 2 : 1;
        }
    }

    public static QcProfile defaults() {
        return new QcProfile(
                new Grade(true, 60, 150, 400, Double.NaN),
                new Grade(false, 8, 5, 3, Double.NaN),
                new Grade(false, 0.05, 0.02, 0.005, Double.NaN),
                new Grade(false, 0.05, 0.02, 0.005, Double.NaN),
                new Grade(false, 35, 25, 15, 50),
                new Grade(false, 40, 28, 18, Double.NaN));
    }

    /** The profile of a line: per-line settings over global settings over the defaults. */
    public static QcProfile forLine(SeglineConfig config, String lineId) {
        QcProfile d = defaults();
        return new QcProfile(
                grade(config, lineId, "sharpness", d.sharpness()),
                grade(config, lineId, "noise", d.noise()),
                grade(config, lineId, "shadowClipping", d.shadowClipping()),
                grade(config, lineId, "highlightClipping", d.highlightClipping()),
                grade(config, lineId, "meanLuminance", d.meanLuminance()),
                grade(config, lineId, "colourCastDeltaE", d.colourCast()));
    }

    private static Grade grade(SeglineConfig config, String lineId, String measure, Grade fallback) {
        String value = config.get("segline.qc.line." + lineId + "." + measure + ".stars");
        if (value == null) {
            value = config.get("segline.qc." + measure + ".stars");
        }
        if (value == null) {
            return fallback;
        }
        String[] parts = value.split(",");
        if (parts.length != 3) {
            throw new IllegalArgumentException("segline.qc " + measure + " stars must be three thresholds t2,t3,t4, not '" + value + "'");
        }
        try {
            return new Grade(fallback.higherIsBetter(), Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()),
                    Double.parseDouble(parts[2].trim()), fallback.centre());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("segline.qc " + measure + " stars must be numbers, not '" + value.toLowerCase(Locale.ROOT) + "'");
        }
    }
}

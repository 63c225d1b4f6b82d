package io.segline.monitor;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import java.time.Duration;

/**
 * Alert rules and their thresholds ({@code segline.alert.*}; defaults in brackets):
 * dead-letter rate above {@code dead.letter.rate} [0.2] in a window of at least {@code dead.letter.min.images} [5];
 * p95 latency above {@code latency.p95.ms} [30000]; a drift of sharpness or confidence below, or of highlight
 * clipping or colour cast above, the line's trailing baseline by more than {@code drift.k} [3] robust standard
 * deviations (median and 1.4826·MAD of the last {@code drift.baseline.windows} [10] windows, once
 * {@code drift.min.baseline} [3] are known; the spread is never taken below 15% of the median for sharpness and
 * colour cast, 5% for confidence, 20% for clipping, since paintings differ more than captures of one scanner); a class-area distribution shift with PSI above
 * {@code class.area.psi} [0.25]; a line silent for {@code silence.minutes} [5] after it was active, checked
 * every {@code check.interval.ms} [30000] of wall-clock time.
 */
public record AlertSettings(double deadLetterRate, int deadLetterMinImages, double latencyP95Ms, double driftK,
        int baselineWindows, int minBaseline, double psi, Duration silence, Duration checkInterval) {

    public static AlertSettings from(SeglineConfig config) {
        return new AlertSettings(
                Double.parseDouble(config.require(Keys.ALERT_DEAD_LETTER_RATE)),
                config.getInt(Keys.ALERT_DEAD_LETTER_MIN_IMAGES),
                Double.parseDouble(config.require(Keys.ALERT_LATENCY_P95_MS)),
                Double.parseDouble(config.require(Keys.ALERT_DRIFT_K)),
                config.getInt(Keys.ALERT_DRIFT_BASELINE_WINDOWS),
                config.getInt(Keys.ALERT_DRIFT_MIN_BASELINE),
                Double.parseDouble(config.require(Keys.ALERT_PSI)),
                Duration.ofMinutes(config.getLong(Keys.ALERT_SILENCE_MINUTES)),
                Duration.ofMillis(config.getLong(Keys.ALERT_CHECK_INTERVAL_MS)));
    }
}

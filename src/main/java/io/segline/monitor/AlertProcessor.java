package io.segline.monitor;

import io.segline.records.Alert;
import io.segline.records.AlertState;
import io.segline.records.LineHealth;
import io.segline.records.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns closed line-health windows into alert episodes: each rule of {@link AlertSettings} raises an
 * alert once when its condition starts to hold and clears it when the condition ends. Drift baselines
 * learn only from windows in which that measure is not in alarm, so a degraded line does not become its
 * own new normal. A wall-clock punctuation raises the silent-line alert.
 */
public final class AlertProcessor implements Processor<String, LineHealth, String, Alert> {
    public static final String STORE = "alert-state-store";

    /**
     * A watched measure: where to read it, which direction is bad, and the smallest spread assumed
     * (relative to the median, and absolute). Paintings differ from one another far more than a stable
     * scanner does from capture to capture, so a window of a few images can move by a good fraction of its
     * median without anything being wrong; the floors keep such ordinary variety from raising alerts.
     */
    private record Drift(String rule, String measure, boolean badIsLow, double relativeFloor, double absoluteFloor) {
    }

    private static final List<Drift> DRIFTS = List.of(
            new Drift("sharpness-drift", "sharpness", true, 0.15, 1),
            new Drift("confidence-drift", "confidence", true, 0.05, 0.01),
            new Drift("over-exposure-drift", "highlightClipping", false, 0.2, 0.01),
            new Drift("colour-cast-drift", "colourCastDeltaE", false, 0.15, 1.5));

    private final AlertSettings settings;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, LineState> store;

    public AlertProcessor(AlertSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::checkSilence);
    }

    @Override
    public void process(Record<String, LineHealth> record) {
        String line = record.key();
        LineHealth window = record.value();
        LineState state = store.get(line);
        if (state == null) {
            state = new LineState();
        }
        long now = context.currentSystemTimeMs();
        Instant at = window.getWindowEnd();
        if (window.getImages() > 0) {
            state.lastActiveWallClock = now;
            transition(state, line, "silent-line", false, Severity.WARNING, at, "", Map.of());
        }
        state.lastWindowEnd = at.toEpochMilli();

        double deadRate = window.getImages() == 0 ? 0 : (double) window.getDeadLetters() / window.getImages();
        transition(state, line, "dead-letter-rate", window.getImages() >= settings.deadLetterMinImages()
                        && deadRate > settings.deadLetterRate(), Severity.CRITICAL, at,
                String.format(Locale.ROOT, "%.0f%% of the captures on %s were dead-lettered in the window ending %s (threshold %.0f%%):"
                        + " check the scanner's output and the dead-letter topic", 100 * deadRate, line, at, 100 * settings.deadLetterRate()),
                Map.of("deadLetters", String.valueOf(window.getDeadLetters()), "images", String.valueOf(window.getImages()),
                        "rate", String.format(Locale.ROOT, "%.3f", deadRate), "threshold", String.valueOf(settings.deadLetterRate())));

        Double p95 = window.getLatencyP95Ms();
        transition(state, line, "latency-p95", p95 != null && p95 > settings.latencyP95Ms(), Severity.WARNING, at,
                String.format(Locale.ROOT, "p95 capture-to-result latency on %s is %.0f ms (threshold %.0f ms): the line is falling behind",
                        line, p95 == null ? 0 : p95, settings.latencyP95Ms()),
                Map.of("p95Ms", String.valueOf(p95), "threshold", String.valueOf(settings.latencyP95Ms())));

        if (window.getResults() > 0) {
            Map<String, Double> values = new LinkedHashMap<>(window.getCaptureQcMeans());
            if (window.getMeanConfidence() != null) {
                values.put("confidence", window.getMeanConfidence());
            }
            for (Drift drift : DRIFTS) {
                Double value = values.get(drift.measure());
                if (value == null) {
                    continue;
                }
                List<Double> history = state.history.computeIfAbsent(drift.measure(), m -> new ArrayList<>());
                boolean alarm = false;
                String evidence = "";
                Map<String, String> numbers = Map.of();
                if (history.size() >= settings.minBaseline()) {
                    double median = median(history);
                    double sigma = Math.max(1.4826 * mad(history, median),
                            Math.max(drift.relativeFloor() * Math.abs(median), drift.absoluteFloor()));
                    double z = (value - median) / sigma;
                    alarm = drift.badIsLow() ? z < -settings.driftK() : z > settings.driftK();
                    evidence = String.format(Locale.ROOT, "%s on %s is %.3f, %.1f robust SDs %s its trailing median %.3f: check the %s",
                            drift.measure(), line, value, Math.abs(z), z < 0 ? "below" : "above", median, advice(drift.rule()));
                    numbers = Map.of("value", String.format(Locale.ROOT, "%.4f", value), "median", String.format(Locale.ROOT, "%.4f", median),
                            "robustSd", String.format(Locale.ROOT, "%.4f", sigma), "k", String.valueOf(settings.driftK()));
                }
                transition(state, line, drift.rule(), alarm, Severity.WARNING, at, evidence, numbers);
                if (!alarm) {
                    history.add(value);
                    while (history.size() > settings.baselineWindows()) {
                        history.remove(0);
                    }
                }
            }
            Map<String, Double> areas = window.getClassAreaFractions();
            boolean shifted = false;
            double psi = 0;
            if (state.areaHistory.size() >= settings.minBaseline() && !areas.isEmpty()) {
                psi = psi(mean(state.areaHistory), areas);
                shifted = psi > settings.psi();
            }
            transition(state, line, "class-area-shift", shifted, Severity.INFO, at,
                    String.format(Locale.ROOT, "the class-area distribution on %s shifted (PSI %.2f > %.2f): different material on the line,"
                            + " or the segmenter struggles", line, psi, settings.psi()),
                    Map.of("psi", String.format(Locale.ROOT, "%.4f", psi), "threshold", String.valueOf(settings.psi())));
            if (!shifted && !areas.isEmpty()) {
                state.areaHistory.add(new LinkedHashMap<>(areas));
                while (state.areaHistory.size() > settings.baselineWindows()) {
                    state.areaHistory.remove(0);
                }
            }
        }
        store.put(line, state);
    }

    private void checkSilence(long now) {
        List<KeyValue<String, LineState>> changed = new ArrayList<>();
        try (KeyValueIterator<String, LineState> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, LineState> entry = all.next();
                LineState state = entry.value;
                boolean silent = state.lastActiveWallClock > 0 && now - state.lastActiveWallClock >= settings.silence().toMillis();
                if (silent && !state.open.containsKey("silent-line")) {
                    long minutes = (now - state.lastActiveWallClock) / 60_000;
                    transition(state, entry.key, "silent-line", true, Severity.WARNING, Instant.ofEpochMilli(now),
                            "line " + entry.key + " has sent no captures for " + minutes + " minutes after being active: is the scanner running?",
                            Map.of("silentMinutes", String.valueOf(minutes), "threshold", String.valueOf(settings.silence().toMinutes())));
                    changed.add(entry);
                }
            }
        }
        changed.forEach(entry -> store.put(entry.key, entry.value));
    }

    private void transition(LineState state, String line, String rule, boolean holds, Severity severity, Instant at,
            String message, Map<String, String> evidence) {
        String open = state.open.get(rule);
        if (holds && open == null) {
            String id = line + "/" + rule + "/" + (++state.episodes);
            state.open.put(rule, id);
            emit(id, line, rule, severity, AlertState.RAISED, at, message, evidence);
        } else if (!holds && open != null) {
            state.open.remove(rule);
            emit(open, line, rule, severity, AlertState.CLEARED, at, rule + " on " + line + " is back to normal", evidence);
        }
    }

    private void emit(String id, String line, String rule, Severity severity, AlertState alertState, Instant at, String message,
            Map<String, String> evidence) {
        Alert alert = Alert.newBuilder().setAlertId(id).setLineId(line).setRule(rule).setSeverity(severity).setState(alertState)
                .setAt(at).setMessage(message).setEvidence(evidence).build();
        context.forward(new Record<>(line, alert, Math.max(0, at.toEpochMilli())));
    }

    private static String advice(String rule) {
        return switch (rule) {
            case "sharpness-drift" -> "focus and the camera's vibration isolation";
            case "confidence-drift" -> "material on the line and the segmenter";
            case "over-exposure-drift" -> "lighting and exposure settings";
            default -> "lighting, white balance and the colour target";
        };
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double mad(List<Double> values, double median) {
        List<Double> deviations = new ArrayList<>();
        values.forEach(v -> deviations.add(Math.abs(v - median)));
        return median(deviations);
    }

    private static Map<String, Double> mean(List<Map<String, Double>> distributions) {
        Map<String, Double> out = new LinkedHashMap<>();
        distributions.forEach(d -> d.forEach((k, v) -> out.merge(k, v / distributions.size(), Double::sum)));
        return out;
    }

    /** Population stability index between two distributions over the same categories. */
    static double psi(Map<String, Double> expected, Map<String, Double> actual) {
        double psi = 0;
        for (String k : expected.keySet()) {
            double e = Math.max(1e-4, expected.get(k));
            double a = Math.max(1e-4, actual.getOrDefault(k, 0.0));
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }
}

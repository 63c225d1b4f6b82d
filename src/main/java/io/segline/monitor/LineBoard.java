package io.segline.monitor;

import io.segline.records.Alert;
import io.segline.records.AlertState;
import io.segline.records.LineHealth;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The latest window and the open alerts of every line, rendered as a terminal table. */
public final class LineBoard {
    private final Map<String, LineHealth> latest = new TreeMap<>();
    private final Map<String, Map<String, Alert>> open = new TreeMap<>();
    private final Deque<Alert> recent = new ArrayDeque<>();

    public void add(LineHealth window) {
        LineHealth previous = latest.get(window.getLineId());
        if (previous == null || !window.getWindowEnd().isBefore(previous.getWindowEnd())) {
            latest.put(window.getLineId(), window);
        }
    }

    public void add(Alert alert) {
        Map<String, Alert> lineAlerts = open.computeIfAbsent(alert.getLineId(), l -> new LinkedHashMap<>());
        if (alert.getState() == AlertState.RAISED) {
            lineAlerts.put(alert.getRule(), alert);
        } else {
            lineAlerts.remove(alert.getRule());
        }
        recent.addFirst(alert);
        while (recent.size() > 8) {
            recent.removeLast();
        }
    }

    public Map<String, LineHealth> latest() {
        return latest;
    }

    public Map<String, Map<String, Alert>> openAlerts() {
        return open;
    }

    /** The board as text: one row per line, then the latest alert changes. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-14s %-8s %6s %6s %5s %8s %8s %-17s %5s %8s %6s  %s%n", "line", "window", "images",
                "result", "dead", "p50 ms", "p95 ms", "PASS/WARN/FAIL", "conf", "sharp", "cast", "open alerts"));
        if (latest.isEmpty()) {
            out.append("(no line-health windows yet)\n");
        }
        latest.forEach((line, w) -> {
            Map<String, Long> v = w.getVerdictCounts();
            String verdicts = v.getOrDefault("PASS", 0L) + "/" + v.getOrDefault("WARN", 0L) + "/" + v.getOrDefault("FAIL", 0L);
            String alerts = String.join(", ", open.getOrDefault(line, Map.of()).keySet());
            out.append(String.format(Locale.ROOT, "%-14s %-8s %6d %6d %5d %8s %8s %-17s %5s %8s %6s  %s%n", line,
                    w.getWindowEnd().toString().substring(11, 16), w.getImages(), w.getResults(), w.getDeadLetters(),
                    number(w.getLatencyP50Ms(), "%.0f"), number(w.getLatencyP95Ms(), "%.0f"), verdicts,
                    number(w.getMeanConfidence(), "%.2f"), number(w.getCaptureQcMeans().get("sharpness"), "%.0f"),
                    number(w.getCaptureQcMeans().get("colourCastDeltaE"), "%.1f"), alerts.isEmpty() ? "-" : alerts));
        });
        if (!recent.isEmpty()) {
            out.append("\nlatest alerts:\n");
            recent.forEach(a -> out.append(String.format(Locale.ROOT, "  %s %-7s %-8s %-14s %s%n", a.getAt().toString().substring(0, 19),
                    a.getState(), a.getSeverity(), a.getLineId(), a.getState() == AlertState.RAISED ? a.getMessage() : a.getRule() + " cleared")));
        }
        return out.toString();
    }

    private static String number(Double value, String format) {
        return value == null ? "-" : String.format(Locale.ROOT, format, value);
    }
}

package io.segline.monitor;

import java.util.Map;

/**
 * One thing that happened on a line, as the health windows count it: a result (with its verdict,
 * confidence, latency, class areas and capture QC) or a dead letter. Internal to the monitor
 * sub-topology; serialized as JSON on its repartition topic.
 */
public record HealthEvent(String lineId, boolean deadLetter, String verdict, double confidence, Double latencyMs,
        Map<String, Double> classAreas, Map<String, Double> captureQc) {
}

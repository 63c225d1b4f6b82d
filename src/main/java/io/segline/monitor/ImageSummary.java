package io.segline.monitor;

import java.util.List;
import java.util.Map;

/**
 * What the HTTP API answers about one image: the result and report in brief, and a small overlay
 * thumbnail (PNG, base64) for the dashboard. Kept for a limited time in the image-results store.
 */
public record ImageSummary(String imageId, String lineId, long producedAt, String verdict, List<String> reasons,
        double confidence, Map<String, Double> areaFractions, Map<String, Double> captureQc, Map<String, Integer> stars,
        Double latencyMs, String segmenter, String model, String captionEnrichment, String overlayPng) {
}

package io.segline.monitor;

import io.segline.records.LineHealth;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The running totals of one line in one window; mergeable, with latencies in an HdrHistogram (1 ms to
 * 1 h, 3 significant digits) carried in its compressed encoding so windows can be combined exactly.
 */
public final class HealthAggregate {
    public long results;
    public long deadLetters;
    public Map<String, Long> verdicts = new LinkedHashMap<>();
    public double confidenceSum;
    public Map<String, Double> classAreaSums = new LinkedHashMap<>();
    public Map<String, Double> captureQcSums = new LinkedHashMap<>();
    public long captureQcCount;
    /** Base64 of the compressed HdrHistogram of latencies in milliseconds; null when empty. */
    public String latencyHistogram;

    static Histogram newHistogram() {
        return new Histogram(1, 3_600_000, 3);
    }

    Histogram histogram() {
        if (latencyHistogram == null) {
            return newHistogram();
        }
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(latencyHistogram)), 1);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalStateException("Corrupt latency histogram in the line-health store", e);
        }
    }

    private void store(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        latencyHistogram = Base64.getEncoder().encodeToString(bytes);
    }

    /** This aggregate with one more event. */
    public HealthAggregate add(HealthEvent event) {
        if (event.deadLetter()) {
            deadLetters++;
            return this;
        }
        results++;
        verdicts.merge(event.verdict(), 1L, Long::sum);
        confidenceSum += event.confidence();
        event.classAreas().forEach((k, v) -> classAreaSums.merge(k, v, Double::sum));
        if (!event.captureQc().isEmpty()) {
            captureQcCount++;
            event.captureQc().forEach((k, v) -> captureQcSums.merge(k, v, Double::sum));
        }
        if (event.latencyMs() != null) {
            Histogram histogram = histogram();
            histogram.recordValue(Math.max(1, Math.min(3_600_000, Math.round(event.latencyMs()))));
            store(histogram);
        }
        return this;
    }

    /** The window as a {@link LineHealth} record; images counts results plus dead letters (one of them per input). */
    public LineHealth toRecord(String lineId, Instant start, Instant end) {
        Histogram histogram = histogram();
        boolean latencies = histogram.getTotalCount() > 0;
        Map<String, Double> areas = new LinkedHashMap<>();
        classAreaSums.forEach((k, v) -> areas.put(k, v / results));
        Map<String, Double> qc = new LinkedHashMap<>();
        captureQcSums.forEach((k, v) -> qc.put(k, v / captureQcCount));
        return LineHealth.newBuilder()
                .setLineId(lineId)
                .setWindowStart(start)
                .setWindowEnd(end)
                .setImages(results + deadLetters)
                .setResults(results)
                .setDeadLetters(deadLetters)
                .setLatencyP50Ms(latencies ? (double) histogram.getValueAtPercentile(50) : null)
                .setLatencyP95Ms(latencies ? (double) histogram.getValueAtPercentile(95) : null)
                .setLatencyP99Ms(latencies ? (double) histogram.getValueAtPercentile(99) : null)
                .setLatencyHistogram(latencyHistogram == null ? null : ByteBuffer.wrap(Base64.getDecoder().decode(latencyHistogram)))
                .setVerdictCounts(verdicts)
                .setMeanConfidence(results == 0 ? null : confidenceSum / results)
                .setClassAreaFractions(areas)
                .setCaptureQcMeans(qc)
                .build();
    }
}

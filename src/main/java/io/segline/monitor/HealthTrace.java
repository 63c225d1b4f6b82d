package io.segline.monitor;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.segline.tracing.Tracing;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Records the monitor's part of a capture's trace: a {@code monitor} span when a result or dead letter
 * is counted for its line, under the capture's span named by the record's {@code traceparent}. Events
 * without a trace pass through unrecorded.
 */
final class HealthTrace implements FixedKeyProcessor<String, HealthEvent, HealthEvent> {
    /** The span of counting one capture's outcome for its line's health. */
    static final String SPAN = "monitor";

    private FixedKeyProcessorContext<String, HealthEvent> context;
    private Tracing tracing;

    @Override
    public void init(FixedKeyProcessorContext<String, HealthEvent> context) {
        this.context = context;
        this.tracing = Tracing.of(context.appConfigs());
    }

    @Override
    public void process(FixedKeyRecord<String, HealthEvent> record) {
        long started = System.nanoTime();
        Context trace = Tracing.extract(record.headers());
        context.forward(record);
        if (Span.fromContext(trace).getSpanContext().isValid()) {
            tracing.stage(SPAN, trace, started, null);
        }
    }
}

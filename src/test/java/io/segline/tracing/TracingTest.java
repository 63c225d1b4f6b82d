package io.segline.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.segline.config.SeglineConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TracingTest {
    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void shouldPassAProducersTraceThroughWhenTracingIsOff() {
        Tracing off = Tracing.from(SeglineConfig.of(Map.of()));
        Headers in = headers(PARENT);
        Span span = off.start("segline capture", Tracing.extract(in), SpanKind.CONSUMER, "id");
        Context trace = Tracing.extract(in).with(span);
        Headers out = new RecordHeaders();
        Tracing.inject(trace, out);
        assertThat(Tracing.traceId(trace)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(Tracing.traceId(out)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(Tracing.traceId(new RecordHeaders())).as("no traceparent, tracing off").isNull();
    }

    @Test
    void shouldIgnoreAMalformedTraceparentAndReplaceAnOldOne() {
        for (String bad : new String[] {"", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-xyz-abc-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}) {
            assertThat(Tracing.traceId(headers(bad))).as("'%s'", bad).isNull();
        }
        Headers headers = headers(PARENT);
        headers.add("traceparent", "a second one".getBytes(StandardCharsets.UTF_8));
        Tracing.inject(Tracing.fromTraceparent(PARENT), headers);
        assertThat(headers.headers("traceparent")).hasSize(1);
        assertThat(Tracing.traceparent(Tracing.extract(headers))).isEqualTo(PARENT);
        Tracing.inject(Context.root(), headers);
        assertThat(headers.headers("traceparent")).as("no trace, no header").isEmpty();
    }

    @Test
    void shouldRecordStagesUnderTheCapturesSpanWithTheirErrors() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        Tracing tracing = Tracing.with(OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build());
        Context parent = Tracing.fromTraceparent(PARENT);
        Span capture = tracing.start("segline capture", parent, SpanKind.CONSUMER, "img-1");
        long started = System.nanoTime();
        tracing.stage("validate", parent.with(capture), started, new IllegalStateException("corrupt-image"));
        capture.end();
        SpanData validate = exporter.getFinishedSpanItems().get(0);
        assertThat(validate.getName()).isEqualTo("validate");
        assertThat(validate.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(validate.getParentSpanId()).isEqualTo(capture.getSpanContext().getSpanId());
        assertThat(validate.getStatus().getDescription()).isEqualTo("corrupt-image");
        assertThat(validate.getEndEpochNanos()).isGreaterThanOrEqualTo(validate.getStartEpochNanos());
        assertThat(exporter.getFinishedSpanItems().get(1).getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    }

    private static Headers headers(String traceparent) {
        Headers headers = new RecordHeaders();
        headers.add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}

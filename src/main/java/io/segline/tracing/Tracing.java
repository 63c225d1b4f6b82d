package io.segline.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * OpenTelemetry tracing of captures: one trace per capture, from the producer through every stage of
 * the line to the sinks, carried between processes in the record's W3C {@code traceparent} header.
 *
 * <p>Off by default ({@code segline.tracing.enabled=false}): no span is recorded or exported, but a
 * {@code traceparent} a producer set still passes through the line to its outputs, and its trace id
 * goes into the result or dead letter. On, spans are exported over OTLP/HTTP to
 * {@code segline.tracing.otlp.endpoint} under the service name {@code segline.tracing.service.name}.
 *
 * <p>The line's processors find the instance's tracing in their application configuration under
 * {@link #CONFIG_KEY}; where there is none, they propagate only.
 */
public final class Tracing implements AutoCloseable {
    /** The W3C header carrying a capture's trace between processes. */
    public static final String TRACEPARENT = "traceparent";
    /** Where a line's tracing travels in its Kafka Streams configuration to the processors. */
    public static final String CONFIG_KEY = "segline.internal.tracing";
    static final String SCOPE = "io.segline";
    static final AttributeKey<String> IMAGE_ID = AttributeKey.stringKey("segline.image.id");

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final Tracing OFF = new Tracing(OpenTelemetry.noop(), null);

    private final Tracer tracer;
    private final OpenTelemetrySdk sdk;

    private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) {
        this.tracer = openTelemetry.getTracer(SCOPE);
        this.sdk = sdk;
    }

    /** No spans recorded; traceparent headers still pass through. */
    public static Tracing off() {
        return OFF;
    }

    /** Spans recorded by {@code openTelemetry} (tests hand in an SDK with an in-memory exporter). */
    public static Tracing with(OpenTelemetry openTelemetry) {
        return new Tracing(openTelemetry, null);
    }

    /** As configured: off, or an SDK exporting over OTLP/HTTP in batches. */
    public static Tracing from(SeglineConfig config) {
        if (!config.getBoolean(Keys.TRACING_ENABLED)) {
            return OFF;
        }
        String endpoint = config.require(Keys.TRACING_OTLP_ENDPOINT);
        OtlpHttpSpanExporter exporter;
        try {
            exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint).setTimeout(Duration.ofSeconds(10)).build();
        } catch (IllegalArgumentException e) {
            throw new org.apache.kafka.common.config.ConfigException(Keys.TRACING_OTLP_ENDPOINT, endpoint, e.getMessage());
        }
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), config.require(Keys.TRACING_SERVICE_NAME),
                AttributeKey.stringKey("service.instance.id"), UUID.randomUUID().toString())));
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource)
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
        return new Tracing(sdk, sdk);
    }

    /** The tracing a processor's application configuration carries, or {@link #off()}. */
    public static Tracing of(Map<String, ?> appConfigs) {
        return appConfigs.get(CONFIG_KEY) instanceof Tracing tracing ? tracing : OFF;
    }

    public Tracer tracer() {
        return tracer;
    }

    /** The trace context in a record's headers; the root context when there is none or it is malformed. */
    public static Context extract(Headers headers) {
        return headers == null ? Context.root() : W3C.extract(Context.root(), headers, HEADERS);
    }

    /** The context a {@code traceparent} value names (a stored copy of a header); the root context for null. */
    public static Context fromTraceparent(String traceparent) {
        return traceparent == null ? Context.root() : W3C.extract(Context.root(), Map.of(TRACEPARENT, traceparent), MAP);
    }

    /** The {@code traceparent} value for a context; null when it has no valid span. */
    public static String traceparent(Context context) {
        Map<String, String> carrier = new java.util.HashMap<>();
        W3C.inject(context, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** Replaces the trace headers of a record with {@code context}'s (removes them when it has none). */
    public static void inject(Context context, Headers headers) {
        for (String field : W3C.fields()) {
            headers.remove(field);
        }
        W3C.inject(context, headers, HEADER_SETTER);
    }

    /** The trace id of a context's span, or null when it has none (tracing off and no traceparent came in). */
    public static String traceId(Context context) {
        SpanContext span = Span.fromContext(context).getSpanContext();
        return span.isValid() ? span.getTraceId() : null;
    }

    /** The trace id a record's headers carry, or null. */
    public static String traceId(Headers headers) {
        return traceId(extract(headers));
    }

    /** Starts a span for one capture under {@code parent}. */
    public Span start(String name, Context parent, SpanKind kind, String imageId) {
        SpanBuilder builder = tracer.spanBuilder(name).setParent(parent).setSpanKind(kind);
        if (imageId != null) {
            builder.setAttribute(IMAGE_ID, imageId);
        }
        return builder.startSpan();
    }

    /**
     * Records a finished stage under {@code parent}: from {@code startNanos} to now on {@link System#nanoTime}'s
     * clock, marked as an error when {@code error} is not null.
     */
    public void stage(String name, Context parent, long startNanos, Throwable error) {
        stage(name, parent, startNanos, System.nanoTime(), error, List.of());
    }

    /** As {@link #stage(String, Context, long, Throwable)}, between two {@link System#nanoTime} readings, with links. */
    public void stage(String name, Context parent, long startNanos, long endNanos, Throwable error, List<SpanContext> links) {
        long nowEpoch = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        long nowNanos = System.nanoTime();
        SpanBuilder builder = tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(nowEpoch - (nowNanos - startNanos), TimeUnit.NANOSECONDS);
        links.forEach(builder::addLink);
        Span span = builder.startSpan();
        if (error != null) {
            span.recordException(error);
            span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        }
        span.end(nowEpoch - (nowNanos - endNanos), TimeUnit.NANOSECONDS);
    }

    /** The span contexts of several captures, for a span that works on them together (a batch) to link. */
    public static List<SpanContext> spansOf(List<Context> contexts) {
        List<SpanContext> links = new ArrayList<>();
        for (Context context : contexts) {
            SpanContext span = Span.fromContext(context).getSpanContext();
            if (span.isValid()) {
                links.add(span);
            }
        }
        return links;
    }

    /** Exports what is pending and stops the exporter; nothing for tracing that is off or handed in. */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.getSdkTracerProvider().shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            carrier.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            if (carrier == null) {
                return null;
            }
            Header header = carrier.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private static final TextMapSetter<Headers> HEADER_SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    };
}

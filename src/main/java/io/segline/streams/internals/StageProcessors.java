package io.segline.streams.internals;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.segline.caption.CaptionEnricher;
import io.segline.records.ImageCaptured;
import io.segline.tracing.Tracing;
import io.segline.validate.ImageValidator;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The validate and enrich stage processors (segment, refine and measure run in {@link BatchingProcessor}).
 * Each stage instance is created in {@code init}, on the stream thread that uses it; a stage that throws
 * sends the record to the dead-letter topic through the processing exception handler, which records the
 * stage by processor name.
 */
public final class StageProcessors {
    /** Per-stage timers in Micrometer's global registry (exposed on /metrics when the HTTP API runs); looked up once per processor. */
    static final java.util.function.Function<String, io.micrometer.core.instrument.Timer> STAGE_TIMERS = stage ->
            io.micrometer.core.instrument.Timer.builder("segline.stage.duration").tag("stage", stage)
                    .description("Time spent in each stage of the line, per image").publishPercentiles(0.5, 0.95)
                    .register(io.micrometer.core.instrument.Metrics.globalRegistry);

    private StageProcessors() {
    }

    public static FixedKeyProcessorSupplier<String, ImageCaptured, InFlight> validate(Supplier<ImageValidator> validator) {
        return () -> new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<String, InFlight> context;
            private ImageValidator stage;
            private io.micrometer.core.instrument.Timer timer;
            private java.time.Duration bound;
            private Tracing tracing;

            @Override
            public void init(FixedKeyProcessorContext<String, InFlight> context) {
                this.context = context;
                this.stage = validator.get();
                this.timer = STAGE_TIMERS.apply(StageNames.VALIDATE);
                this.bound = StageWatchdog.boundFrom(context.appConfigs());
                this.tracing = Tracing.of(context.appConfigs());
            }

            @Override
            public void process(FixedKeyRecord<String, ImageCaptured> record) {
                long t0 = System.nanoTime();
                // The capture's span in this instance, under the producer's when the record names one; the record's
                // headers now name it, so that a dead letter made by the exception handlers continues the trace.
                Context parent = Tracing.extract(record.headers());
                Span span = tracing.start(CAPTURE_SPAN, parent, SpanKind.CONSUMER, record.value() == null ? null : record.value().getImageId());
                Context trace = parent.with(span);
                Tracing.inject(trace, record.headers());
                ImageValidator.Decoded decoded;
                try (var watch = StageWatchdog.shared().watch(StageNames.VALIDATE, subject(record), 1, bound)) {
                    decoded = stage.validate(record.value());
                } catch (RuntimeException e) {
                    failed(tracing, StageNames.VALIDATE, trace, span, t0, e);
                    throw e;
                }
                InFlight item = new InFlight(record.value());
                item.trace = trace;
                item.span = span;
                item.image = decoded.image();
                item.timed(StageNames.VALIDATE, t0);
                tracing.stage(StageNames.VALIDATE, trace, t0, null);
                timer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
                context.forward(record.withValue(item));
            }
        };
    }

    public static FixedKeyProcessorSupplier<String, InFlight, InFlight> enrich(Supplier<CaptionEnricher> enricher) {
        return () -> new Stage() {
            private CaptionEnricher stage;

            @Override
            void start() {
                stage = enricher.get();
            }

            @Override
            void apply(InFlight item) {
                item.caption = stage.enrich(item.event);
            }

            @Override
            String name() {
                return StageNames.ENRICH;
            }
        };
    }

    /** The span of one capture in one instance of the line; the stages' spans are its children. */
    public static final String CAPTURE_SPAN = "segline capture";

    /** Records a stage that threw and ends the capture's span: the exception handler dead-letters the record. */
    private static void failed(Tracing tracing, String stage, Context trace, Span span, long t0, RuntimeException error) {
        tracing.stage(stage, trace, t0, error);
        span.recordException(error);
        span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, stage + ": " + error.getMessage());
        span.setAttribute("segline.outcome", "dead-letter");
        span.end();
    }

    /** Names a capture for the watchdog's log, whatever state it is in (a tombstone has no value). */
    private static String subject(FixedKeyRecord<String, ImageCaptured> record) {
        ImageCaptured value = record.value();
        return value != null && value.getImageId() != null ? "image " + value.getImageId() : "the record with key " + record.key();
    }

    static byte[] groundTruth(ImageCaptured event) {
        return io.segline.serde.ByteBuffers.toArray(event.getGroundTruthMask());
    }

    /** A stage that changes the in-flight item and passes it on, timing itself. */
    private abstract static class Stage implements FixedKeyProcessor<String, InFlight, InFlight> {
        private FixedKeyProcessorContext<String, InFlight> context;
        private io.micrometer.core.instrument.Timer timer;
        private java.time.Duration bound;
        private Tracing tracing;

        @Override
        public void init(FixedKeyProcessorContext<String, InFlight> context) {
            this.context = context;
            this.timer = STAGE_TIMERS.apply(name());
            this.bound = StageWatchdog.boundFrom(context.appConfigs());
            this.tracing = Tracing.of(context.appConfigs());
            start();
        }

        abstract void start();

        abstract void apply(InFlight item);

        abstract String name();

        @Override
        public void process(FixedKeyRecord<String, InFlight> record) {
            long t0 = System.nanoTime();
            InFlight item = record.value();
            try (var watch = StageWatchdog.shared().watch(name(), "image " + item.event.getImageId(), 1, bound)) {
                apply(item);
            } catch (RuntimeException e) {
                failed(tracing, name(), item.trace, item.span, t0, e);
                throw e;
            }
            item.timed(name(), t0);
            tracing.stage(name(), item.trace, t0, null);
            timer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            context.forward(record);
        }
    }
}

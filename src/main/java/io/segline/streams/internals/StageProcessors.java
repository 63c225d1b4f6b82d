package io.segline.streams.internals;

import io.segline.caption.CaptionEnricher;
import io.segline.records.ImageCaptured;
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

            @Override
            public void init(FixedKeyProcessorContext<String, InFlight> context) {
                this.context = context;
                this.stage = validator.get();
                this.timer = STAGE_TIMERS.apply(StageNames.VALIDATE);
                this.bound = StageWatchdog.boundFrom(context.appConfigs());
            }

            @Override
            public void process(FixedKeyRecord<String, ImageCaptured> record) {
                long t0 = System.nanoTime();
                ImageValidator.Decoded decoded;
                try (var watch = StageWatchdog.shared().watch(StageNames.VALIDATE, subject(record), 1, bound)) {
                    decoded = stage.validate(record.value());
                }
                InFlight item = new InFlight(record.value());
                item.image = decoded.image();
                item.timed(StageNames.VALIDATE, t0);
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

        @Override
        public void init(FixedKeyProcessorContext<String, InFlight> context) {
            this.context = context;
            this.timer = STAGE_TIMERS.apply(name());
            this.bound = StageWatchdog.boundFrom(context.appConfigs());
            start();
        }

        abstract void start();

        abstract void apply(InFlight item);

        abstract String name();

        @Override
        public void process(FixedKeyRecord<String, InFlight> record) {
            long t0 = System.nanoTime();
            try (var watch = StageWatchdog.shared().watch(name(), "image " + record.value().event.getImageId(), 1, bound)) {
                apply(record.value());
            }
            record.value().timed(name(), t0);
            timer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            context.forward(record);
        }
    }
}

package io.segline.streams.internals;

import io.segline.caption.CaptionEnricher;
import io.segline.model.Segmenter;
import io.segline.quality.Measurer;
import io.segline.records.ImageCaptured;
import io.segline.refine.Refiner;
import io.segline.validate.ImageValidator;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The stage processors. Each stage instance is created in {@code init}, on the stream thread that
 * uses it, and closed with the processor; a stage that throws sends the record to the dead-letter
 * topic through the processing exception handler, which records the stage by processor name.
 */
public final class StageProcessors {
    /** Per-stage timers in Micrometer's global registry (exposed on /metrics when the HTTP API runs); looked up once per processor. */
    private static final java.util.function.Function<String, io.micrometer.core.instrument.Timer> STAGE_TIMERS = stage ->
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

            @Override
            public void init(FixedKeyProcessorContext<String, InFlight> context) {
                this.context = context;
                this.stage = validator.get();
                this.timer = STAGE_TIMERS.apply(StageNames.VALIDATE);
            }

            @Override
            public void process(FixedKeyRecord<String, ImageCaptured> record) {
                long t0 = System.nanoTime();
                ImageValidator.Decoded decoded = stage.validate(record.value());
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

    public static FixedKeyProcessorSupplier<String, InFlight, InFlight> segment(Supplier<Segmenter> segmenter) {
        return () -> new Stage() {
            private Segmenter stage;

            @Override
            void start() {
                stage = segmenter.get();
            }

            @Override
            void apply(InFlight item) {
                item.coarse = stage.segment(item.image, item.caption);
                item.segmenter = stage.name();
                item.modelName = stage.modelName();
                item.modelVersion = stage.modelVersion();
            }

            @Override
            String name() {
                return StageNames.SEGMENT;
            }

            @Override
            public void close() {
                if (stage != null) {
                    stage.close();
                }
            }
        };
    }

    public static FixedKeyProcessorSupplier<String, InFlight, InFlight> refine(Supplier<Refiner> refiner) {
        return () -> new Stage() {
            private Refiner stage;

            @Override
            void start() {
                stage = refiner.get();
            }

            @Override
            void apply(InFlight item) {
                Refiner.Refined refined = stage.refine(item.image, item.coarse, item.caption);
                item.refined = refined.probabilities();
                item.refinement = refined.summary();
            }

            @Override
            String name() {
                return StageNames.REFINE;
            }
        };
    }

    public static FixedKeyProcessorSupplier<String, InFlight, InFlight> measure(Supplier<Measurer> measurer) {
        return () -> new Stage() {
            private Measurer stage;

            @Override
            void start() {
                stage = measurer.get();
            }

            @Override
            void apply(InFlight item) {
                Measurer.Measured measured = stage.measure(new Measurer.Input(item.event.getImageId(), item.event.getLineId(),
                        item.image, item.refined, item.refinement, item.caption.getBackend(), item.segmenter,
                        item.modelName, item.modelVersion, item.stageMillis, groundTruth(item.event),
                        item.event.getCapturedAt()));
                item.result = measured.result();
                item.report = measured.report();
                item.overlayThumbnail = measured.overlayThumbnail();
                item.image = null;
            }

            @Override
            String name() {
                return StageNames.MEASURE;
            }
        };
    }

    private static byte[] groundTruth(ImageCaptured event) {
        if (event.getGroundTruthMask() == null) {
            return null;
        }
        java.nio.ByteBuffer copy = event.getGroundTruthMask().duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    /** A stage that changes the in-flight item and passes it on, timing itself. */
    private abstract static class Stage implements FixedKeyProcessor<String, InFlight, InFlight> {
        private FixedKeyProcessorContext<String, InFlight> context;
        private io.micrometer.core.instrument.Timer timer;

        @Override
        public void init(FixedKeyProcessorContext<String, InFlight> context) {
            this.context = context;
            this.timer = STAGE_TIMERS.apply(name());
            start();
        }

        abstract void start();

        abstract void apply(InFlight item);

        abstract String name();

        @Override
        public void process(FixedKeyRecord<String, InFlight> record) {
            long t0 = System.nanoTime();
            apply(record.value());
            // The measure stage builds the result that carries the timings, so it cannot include its own.
            if (!StageNames.MEASURE.equals(name())) {
                record.value().timed(name(), t0);
            } else {
                io.micrometer.core.instrument.Metrics.counter("segline.images.processed", "line", record.value().event.getLineId(),
                        "verdict", record.value().report.getVerdict().name()).increment();
            }
            timer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            context.forward(record);
        }
    }
}

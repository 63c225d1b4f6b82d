package io.segline.streams;

import io.segline.caption.CaptionEnricher;
import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.line.StreamsRunner;
import io.segline.model.Segmenter;
import io.segline.quality.GuidedUpsampler;
import io.segline.quality.Measurer;
import io.segline.quality.QcProfile;
import io.segline.records.QualityReport;
import io.segline.refine.G4SegRefiner;
import io.segline.refine.Refiner;
import io.segline.streams.internals.BatchingProcessor;
import io.segline.streams.internals.InFlight;
import io.segline.streams.internals.StageNames;
import io.segline.streams.internals.StageProcessors;
import io.segline.topics.Topics;
import io.segline.validate.ImageValidator;
import io.segline.validate.ValidationLimits;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The line as a Kafka Streams topology: validate, enrich, segment, refine, measure, then one record to
 * the masks topic and one to the quality topic per input. Failures leave through the exception
 * handlers to the dead-letter topic ({@link StreamsRunner#streamsProperties}).
 */
public final class SeglineTopology {
    /** Only what building the topology reads; the running instance's settings come from {@link StreamsRunner}. */
    private static final Map<String, Object> TOPOLOGY_DEFAULTS = Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG, "segline",
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);

    private SeglineTopology() {
    }

    /**
     * Changelog settings for stores that a restarted instance reads back whole (under exactly-once a crash
     * leaves no checkpoint, so the local copy is wiped and restored): a segment rolls every minute and is
     * compacted as soon as it is, so the changelog holds little beyond the stores' live entries instead of
     * every capture that ever waited in the batch buffer. Applies to changelog topics Kafka Streams creates;
     * an existing one keeps its settings until changed with {@code kafka-configs}.
     */
    public static final Map<String, String> SHORT_CHANGELOG = Map.of(
            org.apache.kafka.common.config.TopicConfig.SEGMENT_MS_CONFIG, "60000",
            org.apache.kafka.common.config.TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01",
            org.apache.kafka.common.config.TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0",
            org.apache.kafka.common.config.TopicConfig.DELETE_RETENTION_MS_CONFIG, "60000");

    /**
     * The stages, created per stream thread from their suppliers; the refiner is made for the thread's
     * segmenter (G4Seg works on the segmenter's own model).
     */
    public record Stages(Supplier<ImageValidator> validator, Supplier<CaptionEnricher> enricher,
            Supplier<Segmenter> segmenter, Function<Segmenter, Refiner> refiner, Supplier<Measurer> measurer,
            int batchSize, java.time.Duration batchLinger, boolean batchOverlap) {

        /** The upsampling of the measure stage from {@code segline.output.*}; a bad value is refused with its key. */
        public static GuidedUpsampler upsampler(SeglineConfig config) {
            try {
                return GuidedUpsampler.forMode(config.get(Keys.OUTPUT_UPSAMPLING), (float) config.getDouble(Keys.OUTPUT_GUIDED_EPSILON),
                        (float) config.getDouble(Keys.OUTPUT_GUIDED_RADIUS));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(Keys.OUTPUT_UPSAMPLING + ", " + Keys.OUTPUT_GUIDED_EPSILON + " and " + Keys.OUTPUT_GUIDED_RADIUS
                        + " are wrong: " + e.getMessage());
            }
        }


        /** G4Seg's settings from {@code segline.g4seg.*}; a bad value is refused with its keys. */
        public static G4SegRefiner.Settings g4seg(SeglineConfig config) {
            try {
                return new G4SegRefiner.Settings(config.getInt(Keys.G4SEG_TIMESTEP), (float) config.getDouble(Keys.G4SEG_ALPHA),
                        (float) config.getDouble(Keys.G4SEG_BETA), (float) config.getDouble(Keys.G4SEG_BAND_LOW),
                        (float) config.getDouble(Keys.G4SEG_BAND_HIGH));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("segline.g4seg.* settings are wrong: " + e.getMessage());
            }
        }

        /** The stages the configuration selects. Unknown mode names fail here, before anything starts. */
        /**
         * Loads a segmenter once and segments one small blank painting with it, then lets it go: the engine's native
         * library, the model files and the hot code paths are ready before a stream thread joins the group, so a
         * restarted instance does not pay for them while its partitions wait. Returns how long it took.
         */
        public java.time.Duration warmUp() {
            long started = System.nanoTime();
            io.segline.records.ImageCaptured blank = io.segline.records.ImageCaptured.newBuilder().setImageId("warm-up").setLineId("warm-up")
                    .setScannerId("warm-up").setCapturedAt(java.time.Instant.EPOCH).setCaption("")
                    .setImage(io.segline.records.InlineImage.newBuilder().setData(java.nio.ByteBuffer.allocate(0)).build())
                    .setContentType("image/png").build();
            try (Segmenter model = segmenter.get()) {
                model.segment(new java.awt.image.BufferedImage(64, 80, java.awt.image.BufferedImage.TYPE_INT_RGB),
                        new io.segline.caption.NoEnrichment().enrich(blank));
            }
            return java.time.Duration.ofNanos(System.nanoTime() - started);
        }

        public static Stages from(SeglineConfig config) {
            ValidationLimits limits = ValidationLimits.from(config);
            String segmenter = config.require(Keys.SEGMENTER);
            String refiner = config.require(Keys.REFINER);
            CaptionEnricher.create(config);
            Segmenter.Spec spec = new Segmenter.Spec(segmenter, config.get(Keys.MODEL), config.get(Keys.DEVICE),
                    config.getBoolean(Keys.MODEL_BLANK_CAPTIONS), config.getInt(Keys.DIFFUSION_STEPS),
                    config.getInt(Keys.DIFFUSION_SAMPLES), config.getBoolean(Keys.MODEL_SYMMETRY_OFF), config.get(Keys.SUPPORT));
            io.segline.pipeline.Segmenters.check(spec);
            Parallelism parallelism = Parallelism.of(config);
            if (segmenter.equals("diffusion")) {
                io.segline.model.diffusion.DiffusionModel.useThreads(parallelism.modelThreads());
            }
            G4SegRefiner.Settings g4seg = g4seg(config);
            try {
                Refiner.check(refiner);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(Keys.REFINER, refiner, e.getMessage());
            }
            if (Refiner.needsImagePathway(refiner)) {
                if (!segmenter.equals("diffusion")) {
                    throw new ConfigException(Keys.REFINER, refiner, "g4seg refines the diffusion segmenter's masks with its model's image "
                            + "pathway; segline.segmenter is " + segmenter);
                }
                if (!io.segline.model.diffusion.Models.hasImagePathway(spec.model())) {
                    throw new ConfigException(Keys.REFINER, refiner, "model " + spec.model() + " has no image pathway for g4seg "
                            + "(segline train --image-pathway adds one)");
                }
            }
            int outputMaxSide = config.getInt(Keys.OUTPUT_MAX_SIDE);
            long maxRecordBytes = config.getLong(Keys.MAX_RECORD_BYTES);
            GuidedUpsampler upsampler = upsampler(config);
            String resultFolder = config.get(Keys.OUTPUT_CLAIM_CHECK_DIR);
            java.nio.file.Path claimCheckDir = resultFolder == null || resultFolder.isBlank() ? null : java.nio.file.Path.of(resultFolder.trim());
            return new Stages(() -> new ImageValidator(limits), () -> CaptionEnricher.create(config),
                    () -> io.segline.pipeline.Segmenters.create(spec), thread -> Refiner.create(refiner, thread, g4seg),
                    () -> new Measurer(outputMaxSide, maxRecordBytes, profiles(config), upsampler, claimCheckDir),
                    config.getInt(Keys.BATCH_SIZE), java.time.Duration.ofMillis(config.getLong(Keys.BATCH_LINGER_MS)),
                    config.getBoolean(Keys.BATCH_OVERLAP));
        }
    }

    /** Capture-QC profiles by line, read once per line from the configuration; none when {@code segline.qc.enabled=false}. */
    static java.util.function.Function<String, QcProfile> profiles(SeglineConfig config) {
        if ("false".equalsIgnoreCase(config.get(Keys.QC_ENABLED))) {
            return null;
        }
        Map<String, QcProfile> byLine = new java.util.concurrent.ConcurrentHashMap<>();
        return line -> byLine.computeIfAbsent(line, l -> QcProfile.forLine(config, l));
    }

    /** What the line's part of a topology puts out, for the parts built on it (the monitor, the image index). */
    public record Outputs(KStream<String, InFlight> measured, KStream<String, QualityReport> reports) {
    }

    /** A builder with the settings the line's topology is built under. */
    public static StreamsBuilder newBuilder() {
        return new StreamsBuilder(new TopologyConfig(new StreamsConfig(TOPOLOGY_DEFAULTS)));
    }

    /**
     * Adds the line to {@code builder}: validate, enrich, segment, refine and measure, then masks, quality reports and
     * dead letters to their topics. Pure: no I/O.
     */
    public static Outputs addTo(StreamsBuilder builder, Topics topics, Stages stages) {
        if (stages.batchSize() > 1) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BatchingProcessor.STORE),
                    Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(SHORT_CHANGELOG));
        }
        String[] batchStores = stages.batchSize() > 1 ? new String[] {BatchingProcessor.STORE} : new String[0];
        KStream<String, InFlight> outcomes = builder
                .stream(topics.images().name(), Consumed.with(topics.images().keySerde(), topics.images().valueSerde())
                        .withName(StageNames.SOURCE))
                .processValues(StageProcessors.validate(stages.validator()), Named.as(StageNames.VALIDATE))
                .processValues(StageProcessors.enrich(stages.enricher()), Named.as(StageNames.ENRICH))
                // Segment, refine and measure, micro-batched; a failure there becomes the item's dead letter.
                .process(() -> new BatchingProcessor(stages.batchSize(), stages.batchLinger(), stages.batchOverlap(), stages.validator(), stages.segmenter(),
                        stages.refiner(), stages.measurer(), topics.images().valueSerde(), topics.images().name()),
                        Named.as(StageNames.SEGMENT), batchStores);
        outcomes.filter((key, item) -> item.deadLetter() != null, Named.as(StageNames.FAILED))
                .map((key, item) -> KeyValue.pair(io.segline.serde.ByteBuffers.toArray(item.deadLetter().getOriginalKey()), item.deadLetter()), Named.as(StageNames.TO_DEAD_LETTERS))
                .to(topics.deadLetters().name(), Produced.with(topics.deadLetters().keySerde(), topics.deadLetters().valueSerde())
                        .withName(StageNames.DEAD_LETTER_SINK));
        KStream<String, InFlight> measured = outcomes
                .filter((key, item) -> item.deadLetter() == null, Named.as(StageNames.SUCCEEDED))
                // Outputs are keyed by imageId even when a producer used another key.
                .selectKey((key, item) -> item.result().getImageId(), Named.as(StageNames.KEY_BY_IMAGE));
        measured.mapValues(InFlight::result, Named.as(StageNames.TO_MASKS))
                .to(topics.masks().name(), Produced.with(topics.masks().keySerde(), topics.masks().valueSerde())
                        .withName(StageNames.MASKS_SINK));
        KStream<String, QualityReport> reports = measured.mapValues(InFlight::report, Named.as(StageNames.TO_QUALITY));
        reports.to(topics.quality().name(), Produced.with(topics.quality().keySerde(), topics.quality().valueSerde())
                .withName(StageNames.QUALITY_SINK));
        return new Outputs(measured, reports);
    }
}

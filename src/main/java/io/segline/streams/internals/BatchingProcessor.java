package io.segline.streams.internals;

import io.segline.model.ClassProbabilities;
import io.segline.model.Segmenter;
import io.segline.quality.Measurer;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.refine.Refiner;
import io.segline.validate.ImageValidator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Segmentation, refinement and measuring, micro-batched: records wait until {@code batch.size} have
 * arrived or the oldest has waited {@code batch.linger.ms}, then the segmenter runs once for the batch.
 *
 * <p>Waiting records are kept in a changelogged store ({@value #STORE}), so under exactly-once their
 * buffering, the offsets of their inputs and later their results and removal commit in transactions: an
 * instance that dies with a batch buffered loses nothing, and its successor flushes the restored buffer.
 * With a batch size of 1 records pass straight through, without the store.
 *
 * <p>A stage that fails on a record turns it into a dead letter here, with that record's own source
 * coordinates, rather than through the processing exception handler: a batch flushed by a punctuation
 * has no single source record the handler could name.
 */
public final class BatchingProcessor implements Processor<String, InFlight, String, InFlight> {
    public static final String STORE = "segment-batch-buffer";

    /** A buffered record as stored: the capture and its enriched caption in Avro, and where it came from. */
    public record Buffered(long sequence, long arrivedAt, String key, String capture, String caption, String sourceTopic,
            int sourcePartition, long sourceOffset, long timestamp) {
    }

    private final int batchSize;
    private final Duration linger;
    private final Supplier<ImageValidator> validators;
    private final Supplier<Segmenter> segmenters;
    private final Supplier<Refiner> refiners;
    private final Supplier<Measurer> measurers;
    private final Serde<ImageCaptured> captures;
    private final String imagesTopic;

    private ProcessorContext<String, InFlight> context;
    private KeyValueStore<String, Buffered> buffer;
    private ImageValidator validator;
    private Segmenter segmenter;
    private Refiner refiner;
    private Measurer measurer;
    /** Decoded images of the records buffered by this instance, so that a normal flush does not decode them again. */
    private final Map<String, InFlight> decoded = new HashMap<>();
    private long sequence;
    private long buffered;
    private io.micrometer.core.instrument.Timer segmentTimer;
    private io.micrometer.core.instrument.Timer refineTimer;
    private io.micrometer.core.instrument.Timer measureTimer;

    public BatchingProcessor(int batchSize, Duration linger, Supplier<ImageValidator> validators, Supplier<Segmenter> segmenters,
            Supplier<Refiner> refiners, Supplier<Measurer> measurers, Serde<ImageCaptured> captures, String imagesTopic) {
        this.batchSize = batchSize;
        this.linger = linger;
        this.validators = validators;
        this.segmenters = segmenters;
        this.refiners = refiners;
        this.measurers = measurers;
        this.captures = captures;
        this.imagesTopic = imagesTopic;
    }

    @Override
    public void init(ProcessorContext<String, InFlight> context) {
        this.context = context;
        this.validator = validators.get();
        this.segmenter = segmenters.get();
        this.refiner = refiners.get();
        this.measurer = measurers.get();
        this.segmentTimer = StageProcessors.STAGE_TIMERS.apply(StageNames.SEGMENT);
        this.refineTimer = StageProcessors.STAGE_TIMERS.apply(StageNames.REFINE);
        this.measureTimer = StageProcessors.STAGE_TIMERS.apply(StageNames.MEASURE);
        if (batchSize > 1) {
            this.buffer = context.getStateStore(STORE);
            try (KeyValueIterator<String, Buffered> all = buffer.all()) {
                while (all.hasNext()) {
                    KeyValue<String, Buffered> entry = all.next();
                    sequence = Math.max(sequence, entry.value.sequence() + 1);
                    buffered++;
                }
            }
            context.schedule(Duration.ofMillis(Math.max(10, linger.toMillis() / 2)), PunctuationType.WALL_CLOCK_TIME, this::lingered);
        }
    }

    @Override
    public void process(Record<String, InFlight> record) {
        InFlight item = record.value();
        RecordMetadata source = context.recordMetadata().orElse(null);
        item.sourceTopic = source == null ? "" : source.topic();
        item.sourcePartition = source == null ? -1 : source.partition();
        item.sourceOffset = source == null ? -1 : source.offset();
        item.key = record.key();
        item.timestamp = record.timestamp();
        if (batchSize <= 1) {
            run(List.of(item));
            return;
        }
        String id = item.event.getImageId();
        buffer.put(id, new Buffered(sequence++, context.currentSystemTimeMs(), record.key(), encode(item.event),
                avro(item.caption), item.sourceTopic, item.sourcePartition, item.sourceOffset, record.timestamp()));
        decoded.put(id, item);
        buffered++;
        if (buffered >= batchSize) {
            flush();
        }
    }

    private void lingered(long now) {
        if (buffered == 0) {
            return;
        }
        long oldest = Long.MAX_VALUE;
        try (KeyValueIterator<String, Buffered> all = buffer.all()) {
            while (all.hasNext()) {
                oldest = Math.min(oldest, all.next().value.arrivedAt());
            }
        }
        if (now - oldest >= linger.toMillis()) {
            flush();
        }
    }

    private void flush() {
        List<KeyValue<String, Buffered>> entries = new ArrayList<>();
        try (KeyValueIterator<String, Buffered> all = buffer.all()) {
            all.forEachRemaining(entries::add);
        }
        entries.sort(Comparator.comparingLong(e -> e.value.sequence()));
        List<InFlight> items = new ArrayList<>();
        for (KeyValue<String, Buffered> entry : entries) {
            InFlight item = decoded.remove(entry.key);
            items.add(item != null ? item : restore(entry.value));
            buffer.delete(entry.key);
        }
        buffered = 0;
        decoded.clear();
        run(items);
    }

    /** A record buffered by an instance that died: decoded again from the store. */
    private InFlight restore(Buffered entry) {
        ImageCaptured capture = captures.deserializer().deserialize(imagesTopic, Base64.getDecoder().decode(entry.capture()));
        InFlight item = new InFlight(capture);
        item.caption = fromAvro(entry.caption());
        item.key = entry.key();
        item.timestamp = entry.timestamp();
        item.sourceTopic = entry.sourceTopic();
        item.sourcePartition = entry.sourcePartition();
        item.sourceOffset = entry.sourceOffset();
        try {
            item.image = validator.validate(capture).image();
        } catch (RuntimeException e) {
            fail(item, StageNames.VALIDATE, e);
        }
        return item;
    }

    private void run(List<InFlight> items) {
        List<InFlight> ready = items.stream().filter(i -> i.deadLetter == null).toList();
        long t0 = System.nanoTime();
        List<ClassProbabilities> coarse = null;
        try {
            coarse = segmenter.segmentBatch(ready.stream().map(i -> i.image).toList(), ready.stream().map(i -> i.caption).toList());
        } catch (RuntimeException batchFailure) {
            // One bad record must not fail its batch: segment one by one to find it.
            coarse = null;
        }
        double perItem = (System.nanoTime() - t0) / 1e6 / Math.max(1, ready.size());
        for (int i = 0; i < ready.size(); i++) {
            InFlight item = ready.get(i);
            long started = System.nanoTime();
            try {
                item.coarse = coarse != null ? coarse.get(i) : segmenter.segment(item.image, item.caption);
            } catch (RuntimeException e) {
                fail(item, StageNames.SEGMENT, e);
                continue;
            }
            double segmentMillis = coarse != null ? perItem : (System.nanoTime() - started) / 1e6;
            item.stageMillis.put(StageNames.SEGMENT, segmentMillis);
            segmentTimer.record((long) (segmentMillis * 1e6), java.util.concurrent.TimeUnit.NANOSECONDS);
            item.segmenter = segmenter.name();
            item.modelName = segmenter.modelName();
            item.modelVersion = segmenter.modelVersion();
            started = System.nanoTime();
            try {
                Refiner.Refined refined = refiner.refine(item.image, item.coarse, item.caption);
                item.refined = refined.probabilities();
                item.refinement = refined.summary();
            } catch (RuntimeException e) {
                fail(item, StageNames.REFINE, e);
                continue;
            }
            item.timed(StageNames.REFINE, started);
            refineTimer.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            started = System.nanoTime();
            try {
                Measurer.Measured measured = measurer.measure(new Measurer.Input(item.event.getImageId(), item.event.getLineId(),
                        item.image, item.refined, item.refinement, item.caption.getBackend(), item.segmenter, item.modelName,
                        item.modelVersion, item.stageMillis, StageProcessors.groundTruth(item.event), item.event.getCapturedAt()));
                item.result = measured.result();
                item.report = measured.report();
                item.overlayThumbnail = measured.overlayThumbnail();
            } catch (RuntimeException e) {
                fail(item, StageNames.MEASURE, e);
                continue;
            }
            measureTimer.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            item.image = null;
            io.micrometer.core.instrument.Metrics.counter("segline.images.processed", "line", item.event.getLineId(),
                    "verdict", item.report.getVerdict().name()).increment();
        }
        for (InFlight item : items) {
            context.forward(new Record<>(item.key, item, Math.max(0, item.timestamp)));
        }
    }

    private void fail(InFlight item, String stage, RuntimeException error) {
        byte[] key = item.key == null ? null : item.key.getBytes(StandardCharsets.UTF_8);
        // The capture as written by segline's serializer: the original bytes are not available to a processor.
        byte[] value = captures.serializer().serialize(imagesTopic, item.event);
        item.deadLetter = DeadLetterRecords.letter(key, value, item.sourceTopic, item.sourcePartition, item.sourceOffset, stage, error);
        item.image = null;
    }

    private String encode(ImageCaptured capture) {
        return Base64.getEncoder().encodeToString(captures.serializer().serialize(imagesTopic, capture));
    }

    private static String avro(EnrichedCaption caption) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<>(EnrichedCaption.class).write(caption, encoder);
            encoder.flush();
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EnrichedCaption fromAvro(String base64) {
        try {
            return new SpecificDatumReader<>(EnrichedCaption.class).read(null,
                    DecoderFactory.get().binaryDecoder(Base64.getDecoder().decode(base64), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (segmenter != null) {
            segmenter.close();
        }
    }
}

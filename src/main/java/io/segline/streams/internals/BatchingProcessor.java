package io.segline.streams.internals;

import io.segline.model.Segmenter;
import io.segline.pipeline.Pipeline;
import io.segline.quality.Measurer;
import io.segline.records.ImageCaptured;
import io.segline.refine.Refiner;
import io.segline.tracing.Tracing;
import io.segline.validate.ImageValidator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
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
 * <p>With {@code batch.overlap} a full batch is handed to a worker thread, which segments, refines and
 * measures it, and the stream thread goes on consuming, decoding and buffering the next batch, and
 * producing and committing, while the model runs. At most one batch is in flight: the next full batch
 * waits for it, is handed over, and only then is the finished one forwarded, so the model never waits
 * for the stream thread's share of the work. A finished batch is also picked up by the next record or
 * punctuation. Its records leave the store only when their results are forwarded, in the same
 * transaction; a batch in flight when the instance dies or loses its task is therefore segmented again
 * by the successor, never lost. (Measuring runs on the worker, after the model, rather than on the
 * stream thread beside it: on a CPU the model's threads want every core at once, and in {@code segline
 * bench} a third busy thread slowed the model's steps by more than it saved.)
 *
 * <p>Without overlap (the default) the stream thread runs each batch itself, as its model's one owner.
 * On this project's 2-core CPU reference machine overlap did not raise throughput ({@code segline
 * bench}: stream/direct 0.82 either way at batch 8, medians of 4 rounds): the model's threads already
 * keep both cores busy. Overlap is meant for a model on a GPU, which leaves the CPU to the stream thread.
 *
 * <p>The worker thread is shared by all tasks of one stream thread, so one stream thread never runs two
 * models at once (two forward passes would fight over the same cores); each model is used by that one
 * thread only.
 *
 * <p>A stage that fails on a record turns it into a dead letter here, with that record's own source
 * coordinates, rather than through the processing exception handler: a batch flushed by a punctuation
 * has no single source record the handler could name.
 */
public final class BatchingProcessor implements Processor<String, InFlight, String, InFlight> {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BatchingProcessor.class);
    private DeadLetterRecords.Bounds letterBounds = DeadLetterRecords.Bounds.defaults();
    private java.time.Duration watchdogBound = java.time.Duration.ofMinutes(1);
    private Tracing tracing = Tracing.off();
    /** The state store of the records waiting for their batch ({@link BatchBuffer}). */
    public static final String STORE = BatchBuffer.STORE;

    /** Punctuation interval cap: how long at most a finished batch waits for the stream thread to notice it. */
    private static final long MAX_CHECK_MILLIS = 20;

    /** One worker per stream thread, shared by its tasks; its thread ends after a minute without work. */
    private static final Map<Thread, ExecutorService> WORKERS = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** A batch handed to the worker: its store keys, and the items it fills in. */
    private record Batch(List<String> keys, List<InFlight> items, Future<?> done) {
    }

    private final int batchSize;
    private final Duration linger;
    private final boolean overlap;
    private final Supplier<ImageValidator> validators;
    private final Supplier<Segmenter> segmenters;
    private final java.util.function.Function<Segmenter, Refiner> refiners;
    private final Supplier<Measurer> measurers;
    private final Serde<ImageCaptured> captures;
    private final String imagesTopic;

    private ProcessorContext<String, InFlight> context;
    private BatchBuffer buffer;
    private Segmenter segmenter;
    private Pipeline pipeline;
    private final LineObserver observer = new LineObserver();
    private ExecutorService worker;
    /** Store keys of the records waiting for the next batch, in arrival order. */
    private final List<String> waiting = new ArrayList<>();
    private long oldestWaitingSince = Long.MAX_VALUE;
    private Batch inFlight;
    private io.micrometer.core.instrument.Timer segmentTimer;
    private io.micrometer.core.instrument.Timer refineTimer;
    private io.micrometer.core.instrument.Timer measureTimer;

    public BatchingProcessor(int batchSize, Duration linger, boolean overlap, Supplier<ImageValidator> validators,
            Supplier<Segmenter> segmenters, java.util.function.Function<Segmenter, Refiner> refiners, Supplier<Measurer> measurers, Serde<ImageCaptured> captures,
            String imagesTopic) {
        this.batchSize = batchSize;
        this.linger = linger;
        this.overlap = overlap;
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
        this.letterBounds = DeadLetterRecords.fromAppConfigs(context.appConfigs());
        this.watchdogBound = StageWatchdog.boundFrom(context.appConfigs());
        this.tracing = Tracing.of(context.appConfigs());
        this.segmenter = segmenters.get();
        this.pipeline = new Pipeline(segmenter, refiners.apply(segmenter), measurers.get());
        this.segmentTimer = StageProcessors.STAGE_TIMERS.apply(StageNames.SEGMENT);
        this.refineTimer = StageProcessors.STAGE_TIMERS.apply(StageNames.REFINE);
        this.measureTimer = StageProcessors.STAGE_TIMERS.apply(StageNames.MEASURE);
        if (batchSize > 1) {
            if (overlap) {
                this.worker = WORKERS.computeIfAbsent(Thread.currentThread(), t -> newWorker(t.getName() + "-segment"));
            }
            KeyValueStore<String, byte[]> store = context.getStateStore(STORE);
            this.buffer = new BatchBuffer(store, captures, imagesTopic, validators.get(), tracing, context::currentSystemTimeMs);
            BatchBuffer.Restored left = buffer.restore();
            waiting.addAll(left.keys());
            oldestWaitingSince = left.oldestArrivedAt();
            // Without overlap only the linger needs watching; with it, a finished batch should not wait long either.
            long check = Math.max(5, overlap ? Math.min(MAX_CHECK_MILLIS, linger.toMillis() / 2) : linger.toMillis() / 2);
            context.schedule(Duration.ofMillis(check), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
        }
    }

    /** The span of one model call on a batch of captures. */
    public static final String BATCH_SPAN = "segline segment batch";
    /** The span of handing one capture's outputs to the sinks. */
    public static final String PUBLISH_SPAN = "publish";

    /** A {@link System#nanoTime} reading as nanoseconds since the epoch. */
    private static long epochNanos(long nanoTime) {
        return TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - (System.nanoTime() - nanoTime);
    }

    /** Takes only the name, not the stream thread: the map's weak key must not be held by its own value. */
    private static ExecutorService newWorker(String name) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true);
        return executor;
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
            segmentAndMeasure(List.of(item));
            emit(List.of(item));
            return;
        }
        long now = context.currentSystemTimeMs();
        waiting.add(buffer.add(item, now));
        oldestWaitingSince = Math.min(oldestWaitingSince, now);
        emitIfDone(false);
        if (waiting.size() >= batchSize) {
            submit();
        }
    }

    private void punctuate(long now) {
        emitIfDone(false);
        if (!waiting.isEmpty() && inFlight == null && now - oldestWaitingSince >= linger.toMillis()) {
            submit();
        }
    }

    /**
     * Hands the waiting records to the worker. A batch still in flight is waited for first; its results are
     * forwarded after the next batch is handed over, so that the model does not wait for the producing.
     */
    private void submit() {
        Batch previous = inFlight;
        inFlight = null;
        if (previous != null) {
            await(previous);
        }
        // A restored buffer may hold more than a batch: the rest waits for the next one.
        List<String> next = waiting.subList(0, Math.min(batchSize, waiting.size()));
        List<String> keys = new ArrayList<>(next);
        next.clear();
        if (waiting.isEmpty()) {
            oldestWaitingSince = Long.MAX_VALUE;
        }
        List<InFlight> items = new ArrayList<>();
        for (String key : keys) {
            items.add(buffer.take(key));
        }
        if (!overlap) {
            segmentAndMeasure(items);
            finish(new Batch(keys, items, null));
            return;
        }
        inFlight = new Batch(keys, items, worker.submit(() -> segmentAndMeasure(items)));
        if (previous != null) {
            finish(previous);
        }
    }

    /** Forwards the batch in flight if the worker is done with it (or after waiting for it). */
    private void emitIfDone(boolean wait) {
        if (inFlight == null || (!wait && !inFlight.done().isDone())) {
            return;
        }
        Batch batch = inFlight;
        inFlight = null;
        await(batch);
        finish(batch);
    }

    private static void await(Batch batch) {
        try {
            batch.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.streams.errors.StreamsException("Interrupted while the model ran a batch", e);
        } catch (ExecutionException e) {
            // segment() turns every stage failure into a dead letter; anything else is a bug and must stop the task.
            throw new org.apache.kafka.streams.errors.StreamsException("The segmentation worker failed", e.getCause());
        }
    }

    /** Forwards a finished batch and removes its records from the store, in the same transaction. */
    private void finish(Batch batch) {
        buffer.remove(batch.keys());
        emit(batch.items());
    }


    /** Segments, refines and measures the items: the model's share of the work. A failure marks its item. */
    private void segmentAndMeasure(List<InFlight> items) {
        for (InFlight item : items) {
            item.segmenter = segmenter.name();
            item.modelName = segmenter.modelName();
            item.modelVersion = segmenter.modelVersion();
        }
        pipeline.run(items, observer);
        for (InFlight item : items) {
            if (item.failure == null) {
                io.micrometer.core.instrument.Metrics.counter("segline.images.processed", "line", item.event.getLineId(),
                        "verdict", item.report.getVerdict().name()).increment();
            }
        }
    }

    /** What the line records of each stage: timers, the watchdog, and the capture's spans. */
    private final class LineObserver implements Pipeline.Observer {
        /** The span of the batch the model is working on, which each member's segment span links to. */
        private io.opentelemetry.api.trace.SpanContext batch = io.opentelemetry.api.trace.SpanContext.getInvalid();

        @Override
        public AutoCloseable watch(String stage, String subject, int images) {
            return StageWatchdog.shared().watch(stage, subject, images, watchdogBound);
        }

        @Override
        public void batch(List<? extends Pipeline.Item> items, long startNanos, long endNanos, boolean failed) {
            // The batch is one span of its own, linked to each member's trace.
            io.opentelemetry.api.trace.Span span = tracing.tracer().spanBuilder(BATCH_SPAN)
                    .setStartTimestamp(epochNanos(startNanos), TimeUnit.NANOSECONDS)
                    .setAttribute("segline.batch.size", (long) items.size())
                    .setAttribute("segline.batch.failed", failed)
                    .startSpan();
            Tracing.spansOf(items.stream().map(i -> ((InFlight) i).trace).toList()).forEach(span::addLink);
            span.end(epochNanos(endNanos), TimeUnit.NANOSECONDS);
            batch = span.getSpanContext();
        }

        @Override
        public void stage(Pipeline.Item item, Pipeline.StageRun run) {
            InFlight in = (InFlight) item;
            tracing.stage(run.stage(), in.trace, run.startNanos(), run.endNanos(), run.error(),
                    run.stage().equals(Pipeline.SEGMENT) && batch.isValid() ? List.of(batch) : List.of());
            if (run.error() == null) {
                io.micrometer.core.instrument.Timer timer = switch (run.stage()) {
                    case Pipeline.SEGMENT -> segmentTimer;
                    case Pipeline.REFINE -> refineTimer;
                    default -> measureTimer;
                };
                timer.record((long) (run.itemMillis() * 1e6), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Forwards each item's result, or its dead letter; on the stream thread. */
    private void emit(List<InFlight> items) {
        for (InFlight item : items) {
            long started = System.nanoTime();
            if (item.failure != null) {
                deadLetter(item);
            }
            // The outputs carry the capture's trace on, to whoever reads them (the monitor, another role, a subscriber).
            Headers headers = new RecordHeaders();
            Tracing.inject(item.trace, headers);
            context.forward(new Record<>(item.key, item, Math.max(0, item.timestamp), headers));
            tracing.stage(PUBLISH_SPAN, item.trace, started, null);
            item.leave();
        }
    }

    private void deadLetter(InFlight item) {
        byte[] key = item.key == null ? null : item.key.getBytes(StandardCharsets.UTF_8);
        // The capture as written by segline's serializer: the original bytes are not available to a processor.
        byte[] value = item.event != null ? captures.serializer().serialize(imagesTopic, item.event) : item.original;
        item.deadLetter = DeadLetterRecords.letter(key, value, item.sourceTopic, item.sourcePartition, item.sourceOffset,
                item.failedStage, item.failure, letterBounds);
        item.deadLetter.put("traceId", Tracing.traceId(item.trace));
    }

    @Override
    public void close() {
        // A batch still in flight is not forwarded (a closing processor may not forward): its records stay in the store,
        // and whoever gets the task next segments them again. Its model must be done before the model is closed.
        if (inFlight != null) {
            try {
                inFlight.done().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // Nothing to forward either way.
            }
            inFlight = null;
        }
        if (segmenter != null) {
            segmenter.close();
        }
    }
}

package io.segline.streams.internals;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.segline.records.ImageCaptured;
import io.segline.tracing.Tracing;
import io.segline.validate.ImageValidator;
import io.segline.validate.ValidationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records waiting for their batch, kept in a state store (changelogged, so a crash loses none): each
 * entry the capture in the images topic's wire format and its enriched caption ({@link BufferCodec}), under
 * its arrival sequence, zero-padded so that key order is arrival order. Records buffered by this instance
 * keep their decoded image in memory; those left by an instance that died are decoded again when taken.
 */
final class BatchBuffer {
    private static final Logger log = LoggerFactory.getLogger(BatchBuffer.class);
    static final String STORE = "segment-batch-buffer";

    /** A buffered record as stored: the capture and its enriched caption in Avro, and where it came from. */
    record Buffered(long sequence, long arrivedAt, String key, String capture, String caption, String sourceTopic,
            int sourcePartition, long sourceOffset, long timestamp, String traceparent) {
    }

    /** What a restarted task found in the store: the keys, oldest first, and when the oldest arrived. */
    record Restored(List<String> keys, long oldestArrivedAt) {
    }

    private final KeyValueStore<String, byte[]> store;
    private final Serde<ImageCaptured> captures;
    private final String imagesTopic;
    private final ImageValidator validator;
    private final Tracing tracing;
    private final LongSupplier clock;
    /** Decoded images of the records buffered by this instance, so that a normal flush does not decode them again. */
    private final Map<String, InFlight> decoded = new HashMap<>();
    private long sequence;

    BatchBuffer(KeyValueStore<String, byte[]> store, Serde<ImageCaptured> captures, String imagesTopic, ImageValidator validator,
            Tracing tracing, LongSupplier clock) {
        this.store = store;
        this.captures = captures;
        this.imagesTopic = imagesTopic;
        this.validator = validator;
        this.tracing = tracing;
        this.clock = clock;
    }

    /** The entries an earlier owner of the task left, oldest first; the next sequence continues after them. */
    Restored restore() {
        List<KeyValue<String, byte[]>> left = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(left::add);
        }
        left.sort(Comparator.comparing(e -> e.key));
        long oldest = Long.MAX_VALUE;
        List<String> keys = new ArrayList<>();
        for (KeyValue<String, byte[]> entry : left) {
            long arrivedAt = clock.getAsLong();
            try {
                Buffered stored = BufferCodec.entry(entry.value);
                sequence = Math.max(sequence, stored.sequence() + 1);
                arrivedAt = stored.arrivedAt();
            } catch (BufferCodec.CorruptEntryException e) {
                // Taken with the others, and dead-lettered then with its bytes.
                sequence = Math.max(sequence, sequenceOf(entry.key) + 1);
            }
            keys.add(entry.key);
            oldest = Math.min(oldest, arrivedAt);
        }
        return new Restored(keys, oldest);
    }

    /** Stores a record that arrived now; returns its key. Keyed by arrival: a capture sent twice is kept twice. */
    String add(InFlight item, long now) {
        String key = String.format("%019d", sequence);
        store.put(key, BufferCodec.encode(new Buffered(sequence++, now, item.key,
                BufferCodec.capture(captures.serializer().serialize(imagesTopic, item.event)), BufferCodec.caption(item.caption),
                item.sourceTopic, item.sourcePartition, item.sourceOffset, item.timestamp, Tracing.traceparent(item.trace))));
        decoded.put(key, item);
        return key;
    }

    /** The record under {@code key}, ready for the model, or failed (a dead letter to be) when it cannot be read back. */
    InFlight take(String key) {
        InFlight item = decoded.remove(key);
        return item != null ? item : restore(key, store.get(key));
    }

    /** Removes records whose outcomes are forwarded, in the same transaction as the forwarding. */
    void remove(List<String> keys) {
        keys.forEach(store::delete);
    }

    /**
     * A record buffered by an instance that died: decoded again from the store. An entry that cannot be read
     * back becomes a dead letter with whatever bytes of it remain, never an exception that would stop the task.
     */
    private InFlight restore(String storeKey, byte[] stored) {
        BufferCodec.Restored restored;
        try {
            restored = BufferCodec.read(stored, captures.deserializer(), imagesTopic);
        } catch (BufferCodec.CorruptEntryException e) {
            log.error("Buffered record {} cannot be read back ({}); it goes to the dead letters with its bytes", storeKey, e.getMessage());
            InFlight item = new InFlight(null);
            item.original = e.original();
            Buffered entry = e.entry();
            item.key = entry == null ? null : entry.key();
            item.timestamp = entry == null ? clock.getAsLong() : entry.timestamp();
            item.sourceTopic = entry == null ? "" : entry.sourceTopic();
            item.sourcePartition = entry == null ? -1 : entry.sourcePartition();
            item.sourceOffset = entry == null ? -1 : entry.sourceOffset();
            item.fail(StageNames.SEGMENT, new ValidationException("corrupt-buffer-entry",
                    "The record waited for its batch in the store " + STORE + " and could not be read back: " + e.getMessage(), e));
            return item;
        }
        Buffered entry = restored.entry();
        ImageCaptured capture = restored.capture();
        InFlight item = new InFlight(capture);
        // The capture's span in the instance that buffered it ended with that instance; this one starts its own.
        Context parent = Tracing.fromTraceparent(entry.traceparent());
        item.span = tracing.start(StageProcessors.CAPTURE_SPAN, parent, SpanKind.CONSUMER, capture.getImageId());
        item.span.setAttribute("segline.restored", true);
        item.trace = parent.with(item.span);
        item.caption = restored.caption();
        item.key = entry.key();
        item.timestamp = entry.timestamp();
        item.sourceTopic = entry.sourceTopic();
        item.sourcePartition = entry.sourcePartition();
        item.sourceOffset = entry.sourceOffset();
        try {
            item.image = validator.validate(capture).image();
        } catch (RuntimeException e) {
            item.fail(StageNames.VALIDATE, e);
        }
        return item;
    }

    private static long sequenceOf(String storeKey) {
        try {
            return Long.parseLong(storeKey);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

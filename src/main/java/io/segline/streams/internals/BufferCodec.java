package io.segline.streams.internals;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.serde.BoundedDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * How a record waiting for its batch is kept in the batch buffer's store: a JSON object ({@link
 * BatchBuffer.Buffered}) holding the capture in the images topic's wire format and its enriched caption
 * in Avro binary, both Base64. The store holds these bytes as they are, so that an entry which cannot be read
 * back fails its own record (a dead letter) instead of the task that restores the buffer.
 */
final class BufferCodec {
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A stored entry read back: where it came from, and the capture and caption it holds. */
    record Restored(BatchBuffer.Buffered entry, ImageCaptured capture, EnrichedCaption caption) {
    }

    /** An entry that cannot be read back; {@link #original()} is the capture's bytes where they could be recovered, else the entry's. */
    static final class CorruptEntryException extends SerializationException {
        private static final long serialVersionUID = 1L;
        private final transient BatchBuffer.Buffered entry;
        private final byte[] original;

        CorruptEntryException(String message, BatchBuffer.Buffered entry, byte[] original, Throwable cause) {
            super(message, cause);
            this.entry = entry;
            this.original = original;
        }

        /** The entry's coordinates, or null when not even they could be read. */
        BatchBuffer.Buffered entry() {
            return entry;
        }

        byte[] original() {
            return original;
        }
    }

    private BufferCodec() {
    }

    static byte[] encode(BatchBuffer.Buffered entry) {
        try {
            return JSON.writeValueAsBytes(entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String capture(byte[] wireFormat) {
        return Base64.getEncoder().encodeToString(wireFormat);
    }

    static String caption(EnrichedCaption caption) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<>(EnrichedCaption.class).write(caption, encoder);
            encoder.flush();
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entry's coordinates alone (arrival, key, source), without decoding the capture. */
    static BatchBuffer.Buffered entry(byte[] stored) {
        if (stored == null) {
            throw new CorruptEntryException("The buffered entry is empty", null, new byte[0], null);
        }
        BatchBuffer.Buffered entry;
        try {
            entry = JSON.readValue(stored, BatchBuffer.Buffered.class);
        } catch (IOException | RuntimeException e) {
            throw new CorruptEntryException("The buffered entry is not readable JSON: " + e.getMessage(), null, stored, e);
        }
        if (entry == null || entry.capture() == null || entry.caption() == null) {
            throw new CorruptEntryException("The buffered entry has no capture or no caption", entry, stored, null);
        }
        return entry;
    }

    /** The capture and caption of a stored entry, or {@link CorruptEntryException}, never another exception. */
    static Restored read(byte[] stored, Deserializer<ImageCaptured> captures, String topic) {
        BatchBuffer.Buffered entry = entry(stored);
        byte[] wire;
        try {
            wire = Base64.getDecoder().decode(entry.capture());
        } catch (IllegalArgumentException e) {
            throw new CorruptEntryException("The buffered capture is not Base64", entry, stored, e);
        }
        ImageCaptured capture;
        try {
            capture = captures.deserialize(topic, wire);
        } catch (RuntimeException e) {
            throw new CorruptEntryException("The buffered capture cannot be decoded: " + e.getMessage(), entry, wire, e);
        }
        if (capture == null) {
            throw new CorruptEntryException("The buffered capture is empty", entry, wire, null);
        }
        try {
            byte[] avro = Base64.getDecoder().decode(entry.caption());
            // Bounded: a corrupt length prefix is refused before Avro allocates what it claims.
            BoundedDecoder decoder = BoundedDecoder.over(avro);
            EnrichedCaption caption = new SpecificDatumReader<>(EnrichedCaption.class).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("bytes left after the caption");
            }
            return new Restored(entry, capture, caption);
        } catch (IOException | RuntimeException e) {
            throw new CorruptEntryException("The buffered caption cannot be decoded: " + e.getMessage(), entry, wire, e);
        }
    }

}

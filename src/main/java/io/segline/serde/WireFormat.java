package io.segline.serde;

import io.segline.serde.AvroWireFormatException.TruncatedRecordException;
import io.segline.serde.AvroWireFormatException.UnknownMagicByteException;
import java.nio.ByteBuffer;

/**
 * The Confluent wire format: magic byte {@code 0}, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the record. Readable by every Confluent-compatible client.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** Reads and checks the header; the body starts at {@link #HEADER_SIZE}. */
    public static int schemaId(String topic, byte[] record) {
        if (record.length > 0 && record[0] != MAGIC_BYTE) {
            throw new UnknownMagicByteException(topic, record[0]);
        }
        if (record.length < HEADER_SIZE) {
            throw new TruncatedRecordException(topic, record.length);
        }
        return ByteBuffer.wrap(record, 1, 4).getInt();
    }

    /** Writes the header for {@code schemaId} into the first five bytes of {@code buffer}. */
    static void writeHeader(ByteBuffer buffer, int schemaId) {
        buffer.put(MAGIC_BYTE).putInt(schemaId);
    }
}

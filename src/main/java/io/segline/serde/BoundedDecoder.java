package io.segline.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A binary decoder over one record's bytes that refuses lengths and item counts larger than the bytes
 * left, before anything is allocated. Avro's own decoder trusts a length prefix up to 2 GiB, so one
 * corrupt or hostile record could make the consumer allocate gigabytes; here it fails at once.
 *
 * <p>Collections whose items encode to zero bytes (arrays of null, empty records) could legitimately
 * hold more items than bytes; segline's schemas have none, and such blocks are refused.
 */
public final class BoundedDecoder extends Decoder {
    private final BinaryDecoder in;

    BoundedDecoder(BinaryDecoder in) {
        this.in = in;
    }

    /** A bounded decoder over all of {@code bytes}; {@link #isEnd()} says whether a datum used them all. */
    public static BoundedDecoder over(byte[] bytes) {
        return new BoundedDecoder(org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes, null));
    }

    /** True when no byte is left after what was read. */
    public boolean isEnd() throws IOException {
        return in.isEnd();
    }

    private int bytesLeft() throws IOException {
        return in.inputStream().available();
    }

    private int checkLength(long length, String what) throws IOException {
        if (length < 0) {
            throw new AvroRuntimeException("Malformed data: " + what + " length is negative (" + length + ")");
        }
        int left = bytesLeft();
        if (length > left) {
            throw new EOFException(what + " claims " + length + " byte(s) but only " + left + " are left in the record");
        }
        return (int) length;
    }

    private long checkItems(long items, String what) throws IOException {
        int left = bytesLeft();
        if (items > left) {
            throw new EOFException(what + " block claims " + items + " item(s) but only " + left + " byte(s) are left in the record");
        }
        return items;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = checkLength(in.readLong(), "string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        if (length > 0) {
            in.readFixed(result.getBytes(), 0, length);
        }
        return result;
    }

    @Override
    public String readString() throws IOException {
        return readString(null).toString();
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(checkLength(in.readLong(), "string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = checkLength(in.readLong(), "bytes");
        ByteBuffer result;
        if (old != null && length <= old.capacity()) {
            result = old;
            result.clear();
        } else {
            result = ByteBuffer.allocate(length);
        }
        in.readFixed(result.array(), result.position(), length);
        result.limit(length);
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(checkLength(in.readLong(), "bytes"));
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkItems(in.readArrayStart(), "array");
    }

    @Override
    public long arrayNext() throws IOException {
        return checkItems(in.arrayNext(), "array");
    }

    @Override
    public long readMapStart() throws IOException {
        return checkItems(in.readMapStart(), "map");
    }

    @Override
    public long mapNext() throws IOException {
        return checkItems(in.mapNext(), "map");
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}

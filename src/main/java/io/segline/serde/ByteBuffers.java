package io.segline.serde;

import java.nio.ByteBuffer;

/** Avro {@code bytes} fields arrive as {@link ByteBuffer}s; this reads one without moving its position. */
public final class ByteBuffers {
    private ByteBuffers() {
    }

    /** The remaining bytes of {@code buffer}, copied; null for null. */
    public static byte[] toArray(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}

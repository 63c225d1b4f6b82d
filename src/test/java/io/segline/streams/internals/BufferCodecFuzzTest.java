package io.segline.streams.internals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.segline.records.ImageCaptured;
import io.segline.serde.AvroDeserializer;
import io.segline.testing.Fuzzing;
import java.time.Duration;

/** Any bytes in the batch buffer's store: a restored capture, or a {@link BufferCodec.CorruptEntryException} (a dead letter). */
class BufferCodecFuzzTest {
    private static final String TOPIC = "segline.images.v1";
    private static final AvroDeserializer<ImageCaptured> CAPTURES = Fuzzing.warmCaptureReader("buffer-codec-fuzz", TOPIC);

    @FuzzTest(maxDuration = "8s")
    void shouldRestoreAnEntryOrCallItCorrupt(byte[] stored) {
        Fuzzing.within(Duration.ofSeconds(1), stored.length, () -> {
            try {
                BufferCodec.read(stored, CAPTURES, TOPIC);
            } catch (BufferCodec.CorruptEntryException expected) {
                // a dead letter with the bytes that remain
            }
        });
    }
}

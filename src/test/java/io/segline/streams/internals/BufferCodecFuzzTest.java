package io.segline.streams.internals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.segline.records.ImageCaptured;
import io.segline.records.SampleRecords;
import io.segline.serde.AvroDeserializer;
import io.segline.serde.AvroSerializer;
import io.segline.serde.RegistryConfig;
import io.segline.testing.Budget;
import java.time.Duration;
import java.util.Map;

/** Any bytes in the batch buffer's store: a restored capture, or a {@link BufferCodec.CorruptEntryException} (a dead letter). */
class BufferCodecFuzzTest {
    private static final String TOPIC = "segline.images.v1";
    private static final AvroDeserializer<ImageCaptured> CAPTURES = AvroDeserializer.specific(ImageCaptured.class).withMaxBytes(1 << 20);

    static {
        Map<String, Object> props = Map.of(RegistryConfig.URL, "mock://buffer-codec-fuzz");
        AvroSerializer<ImageCaptured> writer = new AvroSerializer<>();
        writer.configure(props, false);
        writer.serialize(TOPIC, SampleRecords.imageCaptured());
        CAPTURES.configure(props, false);
        // The reader for the schema id is made and cached once, not charged to the first input.
        CAPTURES.deserialize(TOPIC, writer.serialize(TOPIC, SampleRecords.imageCaptured()));
    }

    @FuzzTest(maxDuration = "8s")
    void shouldRestoreAnEntryOrCallItCorrupt(byte[] stored) {
        Budget.within(Duration.ofSeconds(1), stored.length, () -> {
            try {
                BufferCodec.read(stored, CAPTURES, TOPIC);
            } catch (BufferCodec.CorruptEntryException expected) {
                // a dead letter with the bytes that remain
            }
        });
    }
}

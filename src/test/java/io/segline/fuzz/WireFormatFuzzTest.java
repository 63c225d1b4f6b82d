package io.segline.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.segline.records.ImageCaptured;
import io.segline.records.SampleRecords;
import io.segline.serde.AvroDeserializer;
import io.segline.serde.AvroSerializer;
import io.segline.serde.AvroWireFormatException;
import io.segline.serde.RegistryConfig;
import io.segline.testing.Budget;
import java.time.Duration;
import java.util.Map;

/**
 * Any bytes on the images topic: a capture, or one of the typed wire-format errors that become dead letters.
 * The registry is the in-memory one, holding the capture schema under id it was given, so the fuzzer can reach
 * the Avro body (seeds in the resources: a real capture).
 */
class WireFormatFuzzTest {
    private static final String TOPIC = "segline.images.v1";
    private static final long MAX_BYTES = 1 << 20;
    private static final AvroDeserializer<ImageCaptured> CAPTURES = AvroDeserializer.specific(ImageCaptured.class).withMaxBytes(MAX_BYTES);

    static {
        Map<String, Object> props = Map.of(RegistryConfig.URL, "mock://wire-format-fuzz");
        AvroSerializer<ImageCaptured> writer = new AvroSerializer<>();
        writer.configure(props, false);
        writer.serialize(TOPIC, SampleRecords.imageCaptured());
        CAPTURES.configure(props, false);
        // The reader for the schema id is made and cached once, not charged to the first input.
        CAPTURES.deserialize(TOPIC, writer.serialize(TOPIC, SampleRecords.imageCaptured()));
    }

    @FuzzTest(maxDuration = "8s")
    void shouldDecodeACaptureOrRefuseItWithATypedError(byte[] record) {
        Budget.within(Duration.ofSeconds(1), record.length, () -> {
            try {
                CAPTURES.deserialize(TOPIC, record);
            } catch (AvroWireFormatException expected) {
                // a dead letter with its reason
            }
        });
    }
}

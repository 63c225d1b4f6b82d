package io.segline.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.segline.records.ImageCaptured;
import io.segline.serde.AvroDeserializer;
import io.segline.serde.AvroWireFormatException;
import io.segline.testing.Fuzzing;
import java.time.Duration;

/**
 * Any bytes on the images topic: a capture, or one of the typed wire-format errors that become dead letters.
 * The registry is the in-memory one, holding the capture schema under id it was given, so the fuzzer can reach
 * the Avro body (seeds in the resources: a real capture).
 */
class WireFormatFuzzTest {
    private static final String TOPIC = "segline.images.v1";
    private static final AvroDeserializer<ImageCaptured> CAPTURES = Fuzzing.warmCaptureReader("wire-format-fuzz", TOPIC);

    @FuzzTest(maxDuration = "8s")
    void shouldDecodeACaptureOrRefuseItWithATypedError(byte[] record) {
        Fuzzing.within(Duration.ofSeconds(1), record.length, () -> {
            try {
                CAPTURES.deserialize(TOPIC, record);
            } catch (AvroWireFormatException expected) {
                // a dead letter with its reason
            }
        });
    }
}

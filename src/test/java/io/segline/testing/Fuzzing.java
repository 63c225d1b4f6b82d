package io.segline.testing;

import io.segline.records.ImageCaptured;
import io.segline.records.SampleRecords;
import io.segline.serde.AvroDeserializer;
import io.segline.serde.AvroSerializer;
import io.segline.serde.RegistryConfig;
import java.time.Duration;
import java.util.Map;

/**
 * Helpers of the fuzz tests. The time one input may cost a decoder under fuzzing; going over it is a finding. Memory is bounded by the
 * fuzzing fork's small heap instead (an allocation beyond it is an {@link OutOfMemoryError}, also a finding):
 * counting a thread's allocated bytes does not work here, because Jazzer's own hooks allocate on the same thread
 * (a 1,000-character caption measured 406 MB under the hooks and 0.2 MB without them).
 */
public final class Fuzzing {
    private Fuzzing() {
    }

    /** Runs {@code work} and fails with an {@link AssertionError} if it took longer than {@code time}. */
    public static void within(Duration time, int inputLength, Runnable work) {
        long started = System.nanoTime();
        work.run();
        long took = System.nanoTime() - started;
        if (took > time.toNanos()) {
            throw new AssertionError("an input of " + inputLength + " bytes took " + took / 1_000_000 + " ms, more than "
                    + time.toMillis() + " ms");
        }
    }

    /**
     * A capture deserializer for fuzzing (records up to 1 MiB) against an in-memory registry scope that already
     * holds the capture schema, its reader made once so that the first input is not charged for it.
     */
    public static AvroDeserializer<ImageCaptured> warmCaptureReader(String scope, String topic) {
        Map<String, Object> props = Map.of(RegistryConfig.URL, "mock://" + scope);
        AvroSerializer<ImageCaptured> writer = new AvroSerializer<>();
        writer.configure(props, false);
        AvroDeserializer<ImageCaptured> reader = AvroDeserializer.specific(ImageCaptured.class).withMaxBytes(1 << 20);
        reader.configure(props, false);
        reader.deserialize(topic, writer.serialize(topic, SampleRecords.imageCaptured()));
        return reader;
    }
}

package io.segline.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.config.SeglineConfig;
import io.segline.records.ImageCaptured;
import io.segline.serde.RegistryConfig;
import io.segline.serde.SpecificAvroSerde;
import io.segline.testing.TestCaptions;
import io.segline.testing.TestImages;
import io.segline.tracing.Tracing;
import io.segline.validate.ImageValidator;
import io.segline.validate.ValidationException;
import io.segline.validate.ValidationLimits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The batch buffer as a task that restarts after a crash finds it: entries in arrival order, corrupt ones as dead letters. */
class BatchBufferTest {
    private static final String TOPIC = "segline.images.v1";
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final SpecificAvroSerde<ImageCaptured> captures = new SpecificAvroSerde<>(ImageCaptured.class);
    private final ImageValidator validator = new ImageValidator(ValidationLimits.from(SeglineConfig.of(Map.of())));
    private final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(BatchBuffer.STORE),
            Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();

    BatchBufferTest() {
        captures.configure(Map.of(RegistryConfig.URL, "mock://batch-buffer-test"), false);
        MockProcessorContext<String, InFlight> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
    }

    private BatchBuffer buffer() {
        return new BatchBuffer(store, captures, TOPIC, validator, Tracing.off(), () -> 5_000L);
    }

    private static InFlight item(String id, int offset) {
        InFlight item = new InFlight(TestImages.inline(id, TestImages.png(offset), "a seated figure"));
        item.caption = TestCaptions.enriched("a seated figure");
        item.key = id;
        item.sourceTopic = TOPIC;
        item.sourcePartition = 1;
        item.sourceOffset = offset;
        item.timestamp = 1_000L + offset;
        item.trace = Tracing.fromTraceparent(TRACEPARENT);
        return item;
    }

    @Test
    void shouldGiveARestartedTaskItsEntriesInArrivalOrderDecodedAndStillTraced() {
        BatchBuffer first = buffer();
        String a = first.add(item("a", 10), 1_000);
        InFlight original = item("b", 11);
        String b = first.add(original, 2_000);

        BatchBuffer restarted = buffer();
        BatchBuffer.Restored left = restarted.restore();
        assertThat(left.keys()).containsExactly(a, b);
        assertThat(left.oldestArrivedAt()).isEqualTo(1_000);
        InFlight taken = restarted.take(b);
        assertThat(taken.failed()).isFalse();
        assertThat(taken.imageId()).isEqualTo("b");
        assertThat(taken.image()).isNotNull();
        assertThat(taken.caption()).isEqualTo(original.caption());
        assertThat(taken.sourceOffset).isEqualTo(11);
        assertThat(Tracing.traceId(taken.trace)).as("the capture's trace goes on").isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(restarted.add(item("c", 12), 3_000)).as("the sequence goes on after the restored keys").isGreaterThan(b);

        restarted.remove(List.of(a, b));
        assertThat(buffer().restore().keys()).hasSize(1);
    }

    @Test
    void shouldTurnAnEntryThatCannotBeReadBackIntoADeadLetterToBeWithItsBytes() {
        BatchBuffer first = buffer();
        String good = first.add(item("good", 20), 1_000);
        byte[] garbage = "{\"sequence\":9, \"capture\": 42".getBytes(StandardCharsets.UTF_8);
        store.put("0000000000000000009", garbage);

        BatchBuffer restarted = buffer();
        BatchBuffer.Restored left = restarted.restore();
        assertThat(left.keys()).containsExactly(good, "0000000000000000009");
        assertThat(restarted.add(item("next", 21), 4_000)).isEqualTo("0000000000000000010");

        InFlight corrupt = restarted.take("0000000000000000009");
        assertThat(corrupt.failed()).isTrue();
        assertThat(corrupt.failedStage).isEqualTo(StageNames.SEGMENT);
        assertThat(corrupt.failure).isInstanceOf(ValidationException.class);
        assertThat(((ValidationException) corrupt.failure).reason()).isEqualTo("corrupt-buffer-entry");
        assertThat(corrupt.original).as("the dead letter carries what was stored").isEqualTo(garbage);
        assertThat(restarted.take(good).failed()).as("its neighbour is unharmed").isFalse();
    }
}

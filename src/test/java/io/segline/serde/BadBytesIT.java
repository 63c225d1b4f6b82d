package io.segline.serde;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segline.records.Alert;
import io.segline.records.SampleRecords;
import io.segline.serde.AvroWireFormatException.MalformedAvroPayloadException;
import io.segline.serde.AvroWireFormatException.TruncatedRecordException;
import io.segline.serde.AvroWireFormatException.UnknownMagicByteException;
import io.segline.serde.AvroWireFormatException.UnknownSchemaIdException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Each kind of bad bytes raises its own descriptive exception when the registry is a real one. */
@Tag("integration")
class BadBytesIT {
    private static final String TOPIC = "badbytes.alerts";

    @Test
    void shouldRaiseASpecificExceptionForEachKindOfBadBytes() {
        SpecificAvroSerde<Alert> serde = new SpecificAvroSerde<>(Alert.class);
        serde.configure(Map.of(RegistryConfig.URL, RealRegistry.url()), false);
        byte[] good = serde.serializer().serialize(TOPIC, SampleRecords.alert());

        byte[] badMagic = good.clone();
        badMagic[0] = 7;
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, badMagic))
                .isInstanceOf(UnknownMagicByteException.class).hasMessageContaining(TOPIC);

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, Arrays.copyOf(good, 4)))
                .isInstanceOf(TruncatedRecordException.class).hasMessageContaining("4 byte(s)");

        byte[] unknownId = good.clone();
        ByteBuffer.wrap(unknownId).putInt(1, 1_999_999_999);
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, unknownId))
                .isInstanceOf(UnknownSchemaIdException.class)
                .hasMessageContaining("1999999999")
                .hasMessageContaining(RealRegistry.url());

        byte[] badBody = Arrays.copyOf(good, good.length / 2);
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, badBody))
                .isInstanceOf(MalformedAvroPayloadException.class)
                .hasMessageContaining("io.segline.records.Alert");
    }
}

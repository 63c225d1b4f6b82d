package io.segline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segline.serde.AvroWireFormatException.TruncatedRecordException;
import io.segline.serde.AvroWireFormatException.UnknownMagicByteException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void shouldReadBigEndianSchemaIdAfterMagicByte() {
        byte[] record = {0, 0x01, 0x02, 0x03, 0x04, 42};
        assertThat(WireFormat.schemaId("t", record)).isEqualTo(0x01020304);
    }

    @Test
    void shouldRejectUnknownMagicByteNamingTheByteAndTopic() {
        byte[] json = "{\"imageId\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(() -> WireFormat.schemaId("segline.images.v1", json))
                .isInstanceOf(UnknownMagicByteException.class)
                .hasMessageContaining("0x7b")
                .hasMessageContaining("segline.images.v1")
                .satisfies(e -> assertThat(((UnknownMagicByteException) e).magicByte()).isEqualTo(0x7b));
    }

    @Test
    void shouldRejectRecordsShorterThanTheHeader() {
        for (byte[] truncated : new byte[][] {{}, {0}, {0, 0, 0, 1}}) {
            assertThatThrownBy(() -> WireFormat.schemaId("t", truncated))
                    .isInstanceOf(TruncatedRecordException.class)
                    .hasMessageContaining(truncated.length + " byte(s)")
                    .hasMessageContaining("5-byte");
        }
    }
}

package io.segline.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.segline.records.ImageCaptured;
import io.segline.records.SampleRecords;
import io.segline.serde.AvroDeserializer;
import io.segline.serde.AvroSerializer;
import io.segline.serde.RegistryConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BufferCodecTest {
    private static final String TOPIC = "segline.images.v1";
    private final Map<String, Object> props = Map.of(RegistryConfig.URL, "mock://buffer-codec-test");
    private final AvroSerializer<ImageCaptured> writer = new AvroSerializer<>();
    private final AvroDeserializer<ImageCaptured> reader = AvroDeserializer.specific(ImageCaptured.class);

    BufferCodecTest() {
        writer.configure(props, false);
        reader.configure(props, false);
    }

    private BatchBuffer.Buffered entry(String capture, String caption) {
        return new BatchBuffer.Buffered(7, 1000, "key-7", capture, caption, TOPIC, 2, 41, 999,
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @Test
    void shouldReadBackWhatItStored() {
        byte[] wire = writer.serialize(TOPIC, SampleRecords.imageCaptured());
        byte[] stored = BufferCodec.encode(entry(BufferCodec.capture(wire), BufferCodec.caption(SampleRecords.enrichedCaption())));

        BufferCodec.Restored restored = BufferCodec.read(stored, reader, TOPIC);

        assertThat(restored.capture()).isEqualTo(SampleRecords.imageCaptured());
        assertThat(restored.caption()).isEqualTo(SampleRecords.enrichedCaption());
        assertThat(restored.entry().sourceOffset()).isEqualTo(41);
    }

    @Test
    void shouldKeepTheCapturesBytesWhenOnlyItsCaptionIsCorrupt() {
        byte[] wire = writer.serialize(TOPIC, SampleRecords.imageCaptured());
        String badCaption = Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f});
        byte[] stored = BufferCodec.encode(entry(BufferCodec.capture(wire), badCaption));

        BufferCodec.CorruptEntryException e = catchThrowableOfType(() -> BufferCodec.read(stored, reader, TOPIC),
                BufferCodec.CorruptEntryException.class);

        assertThat(e.original()).as("the dead letter carries the capture as it arrived").isEqualTo(wire);
        assertThat(e.entry().sourceOffset()).isEqualTo(41);
        assertThat(e).hasMessageContaining("caption");
    }

    @Test
    void shouldKeepTheStoredBytesWhenTheEntryIsNotJson() {
        byte[] stored = "{\"sequence\":3,".getBytes(StandardCharsets.UTF_8);

        BufferCodec.CorruptEntryException e = catchThrowableOfType(() -> BufferCodec.read(stored, reader, TOPIC),
                BufferCodec.CorruptEntryException.class);

        assertThat(e.original()).isEqualTo(stored);
        assertThat(e.entry()).isNull();
    }

    @Test
    void shouldCallACaptureThatIsNotBase64OrNotACaptureCorrupt() {
        String caption = BufferCodec.caption(SampleRecords.enrichedCaption());
        assertThat(catchThrowableOfType(() -> BufferCodec.read(BufferCodec.encode(entry("%%%", caption)), reader, TOPIC),
                BufferCodec.CorruptEntryException.class)).hasMessageContaining("Base64");
        String notACapture = Base64.getEncoder().encodeToString(new byte[] {0, 0, 0, 0, 1, 2, 3});
        assertThat(catchThrowableOfType(() -> BufferCodec.read(BufferCodec.encode(entry(notACapture, caption)), reader, TOPIC),
                BufferCodec.CorruptEntryException.class)).hasMessageContaining("cannot be decoded");
    }
}

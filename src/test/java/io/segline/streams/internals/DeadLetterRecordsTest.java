package io.segline.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.records.DeadLetter;
import io.segline.validate.ValidationException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterRecordsTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    private static byte[] kept(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    @Test
    void shouldCarryASmallOriginalWholeWithItsLengthAndHash() {
        byte[] value = bytes(5000);
        DeadLetter letter = DeadLetterRecords.letter("id-1".getBytes(StandardCharsets.UTF_8), value, "t", 0, 3, "validate",
                new IllegalArgumentException("bad"), DeadLetterRecords.Bounds.defaults());
        assertThat(kept(letter.getOriginalValue())).isEqualTo(value);
        assertThat(letter.getOriginalValueTruncated()).isFalse();
        assertThat(letter.getOriginalValueLength()).isEqualTo(5000);
        assertThat(letter.getOriginalValueSha256()).isEqualTo(DeadLetterRecords.sha256(value)).hasSize(64);
        assertThat(letter.getOriginalValueLocation()).isNull();
    }

    @Test
    void shouldKeepAPrefixAndClaimCheckTheWholeAboveTheBound(@TempDir Path dir) throws Exception {
        byte[] value = bytes(10_000);
        DeadLetter letter = DeadLetterRecords.letter("id-2".getBytes(StandardCharsets.UTF_8), value, "t", 1, 4, "deserialize",
                new IllegalStateException("too big"), new DeadLetterRecords.Bounds(2048, dir.resolve("letters")));
        assertThat(kept(letter.getOriginalValue())).isEqualTo(Arrays.copyOf(value, 2048));
        assertThat(letter.getOriginalValueTruncated()).isTrue();
        assertThat(letter.getOriginalValueLength()).isEqualTo(10_000);
        assertThat(letter.getMessage()).contains("[original-too-large]").contains("10000 bytes");
        Path whole = Path.of(URI.create(letter.getOriginalValueLocation()));
        assertThat(whole.getFileName().toString()).isEqualTo(DeadLetterRecords.sha256(value) + ".bin");
        assertThat(Files.readAllBytes(whole)).isEqualTo(value);
    }

    @Test
    void shouldKeepOnlyThePrefixAndHashWithoutAFolderAndSaySo() {
        byte[] value = bytes(4096);
        DeadLetter letter = DeadLetterRecords.letter(null, value, "t", 0, 0, "deserialize", new IllegalStateException("x"),
                new DeadLetterRecords.Bounds(1024, null));
        assertThat(letter.getOriginalValueLocation()).isNull();
        assertThat(letter.getOriginalValue().remaining()).isEqualTo(1024);
        assertThat(letter.getMessage()).contains("segline.dlq.claim.check.dir");
    }

    @Test
    void shouldCutAHugeKeyAndALongMessage() {
        byte[] key = "k".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        DeadLetter letter = DeadLetterRecords.letter(key, new byte[10], "t", 0, 0, "validate",
                new ValidationException("caption-too-long", "x".repeat(50_000)), DeadLetterRecords.Bounds.defaults());
        assertThat(letter.getOriginalKey().remaining()).isEqualTo(DeadLetterRecords.MAX_KEY_BYTES);
        assertThat(letter.getOriginalKeyTruncated()).isTrue();
        assertThat(letter.getOriginalKeyLength()).isEqualTo(100_000);
        assertThat(letter.getImageId()).hasSize(DeadLetterRecords.MAX_KEY_BYTES);
        assertThat(letter.getMessage().length()).isLessThanOrEqualTo(DeadLetterRecords.MAX_MESSAGE_CHARS + 1);
        assertThat(letter.getMessage()).startsWith("[caption-too-long]");
    }
}

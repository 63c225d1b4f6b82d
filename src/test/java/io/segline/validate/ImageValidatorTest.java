package io.segline.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segline.records.ImageCaptured;
import io.segline.records.ImageReference;
import io.segline.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageValidatorTest {
    @TempDir
    Path dir;

    private ImageValidator validator(long maxInline, Path... roots) {
        return new ImageValidator(new ValidationLimits(maxInline, 10_000_000, 64_000_000, 20_000, List.of(roots)));
    }

    private static String reason(Runnable action) {
        try {
            action.run();
        } catch (ValidationException e) {
            return e.reason();
        }
        throw new AssertionError("no ValidationException");
    }

    private static Path fifo(Path where) throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", where.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        return where;
    }

    @Test
    void shouldRefuseAFifoInsideAnAllowedRootWithoutBlocking() throws Exception {
        Path pipe = fifo(dir.resolve("scan.png"));
        long started = System.nanoTime();
        assertThat(reason(() -> validator(1000, dir).validate(TestImages.claimCheck("a", pipe.toUri().toString()))))
                .isEqualTo("claim-check-not-regular-file");
        assertThat((System.nanoTime() - started) / 1e9).as("seconds to refuse").isLessThan(5);
        Path folder = Files.createDirectories(dir.resolve("folder.png"));
        assertThat(reason(() -> validator(1000, dir).validate(TestImages.claimCheck("b", folder.toUri().toString()))))
                .isEqualTo("claim-check-not-regular-file");
    }

    @Test
    void shouldEndAClaimCheckReadThatHangsWithATimeoutReason() throws Exception {
        // As if the file were swapped for a FIFO between the regular-file check and the open: the read blocks.
        Path pipe = fifo(dir.resolve("swapped.png"));
        long started = System.nanoTime();
        assertThatThrownBy(() -> ClaimCheckReader.read(pipe, 1000, java.time.Duration.ofMillis(300)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.reason()).isEqualTo("claim-check-timeout"));
        assertThat((System.nanoTime() - started) / 1e9).isLessThan(5);
        // Unblock the abandoned reader so it ends (it closes at once: it was interrupted, so the write may find no reader).
        try (var writer = new java.io.FileOutputStream(pipe.toFile())) {
            writer.write(1);
        } catch (java.io.IOException brokenPipe) {
            // expected when the reader has already gone
        }
    }

    @Test
    void shouldRefuseAFileThatGrowsBeyondTheLimitWhileRead() throws Exception {
        Path file = Files.write(dir.resolve("big.png"), new byte[2000]);
        assertThatThrownBy(() -> ClaimCheckReader.read(file, 1000, java.time.Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.reason()).isEqualTo("image-too-large"));
    }

    @Test
    void shouldDecodePngJpegAndTiff() {
        ImageValidator validator = validator(4_000_000);
        assertThat(validator.validate(TestImages.inline("a", TestImages.png(1), "c")).format()).isEqualTo("png");
        assertThat(validator.validate(TestImages.inline("a", TestImages.jpeg(1), "c")).format()).isEqualTo("jpeg");
        ImageValidator.Decoded tiff = validator.validate(TestImages.inline("a", TestImages.tiff(1), "c"));
        assertThat(tiff.format()).isEqualTo("tiff");
        assertThat(tiff.image().getWidth()).isEqualTo(120);
    }

    @Test
    void shouldRefuseInlineImagesAboveTheLimitAndPointToClaimChecks() {
        byte[] png = TestImages.png(1);
        assertThatThrownBy(() -> validator(png.length - 1).validate(TestImages.inline("a", png, "c")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("claim check");
    }

    @Test
    void shouldRefuseASymbolicLinkThatLeavesTheRoot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path secret = Files.write(dir.resolve("secret.png"), TestImages.png(2));
        Path link = Files.createSymbolicLink(root.resolve("innocent.png"), secret);
        assertThat(reason(() -> validator(1000, root).validate(TestImages.claimCheck("a", link.toUri().toString()))))
                .isEqualTo("claim-check-outside-roots");
    }

    @Test
    void shouldCheckTheClaimedChecksum() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path scan = Files.write(root.resolve("scan.png"), TestImages.png(3));
        ImageCaptured capture = ImageCaptured.newBuilder(TestImages.claimCheck("a", scan.toUri().toString()))
                .setImage(ImageReference.newBuilder().setUri(scan.toUri().toString()).setSha256("00".repeat(32)).build())
                .build();
        assertThat(reason(() -> validator(1000, root).validate(capture))).isEqualTo("checksum-mismatch");
    }

    @Test
    void shouldRefuseClaimChecksWhenNoRootIsConfiguredAndOtherSchemes() {
        assertThat(reason(() -> validator(1000).validate(TestImages.claimCheck("a", "file:///tmp/x.png"))))
                .isEqualTo("claim-check-not-allowed");
        assertThat(reason(() -> validator(1000, dir).validate(TestImages.claimCheck("a", "s3://bucket/x.png"))))
                .isEqualTo("unsupported-claim-check");
    }

    @Test
    void shouldReadAnImagesSizeFromItsHeaderBeforeDecoding() {
        // 10^10 pixels would need tens of gigabytes to decode; the header alone decides.
        assertThat(reason(() -> validator(1000).validate(TestImages.inline("a", TestImages.pngClaiming(100_000, 100_000), "c"))))
                .isEqualTo("pixel-limit");
    }
}

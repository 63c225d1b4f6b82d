package io.segline.testing;

import io.segline.dataset.ThangkaSynth;
import io.segline.records.ImageCaptured;
import io.segline.records.ImageReference;
import io.segline.records.InlineImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Encoded images, good and bad, and captures built around them, for the tests of the line. */
public final class TestImages {
    private static final ThangkaSynth GENERATOR = new ThangkaSynth(120, 160);

    private TestImages() {
    }

    public static byte[] encode(BufferedImage image, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small generated painting as PNG. */
    public static byte[] png(long seed) {
        return encode(GENERATOR.generate(seed, 0, "mixed").image(), "png");
    }

    /** A PNG of one flat colour: a few hundred bytes, whatever its size in pixels. */
    public static byte[] flatPng(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, 0x8a5a2b);
            }
        }
        return encode(image, "png");
    }

    public static byte[] jpeg(long seed) {
        return encode(GENERATOR.generate(seed, 0, "mixed").image(), "jpeg");
    }

    public static byte[] tiff(long seed) {
        return encode(GENERATOR.generate(seed, 0, "mixed").image(), "tiff");
    }

    public static byte[] gif(long seed) {
        return encode(GENERATOR.generate(seed, 0, "mixed").image(), "gif");
    }

    public static byte[] truncatedPng(long seed) {
        byte[] png = png(seed);
        return Arrays.copyOf(png, png.length / 2);
    }

    public static byte[] text() {
        return "This is a caption, not an image.".getBytes(StandardCharsets.US_ASCII);
    }

    /** A valid PNG header claiming width x height pixels, followed by a token image data chunk. */
    public static byte[] pngClaiming(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A capture with inline image bytes. */
    public static ImageCaptured inline(String imageId, byte[] image, String caption) {
        return base(imageId, caption).setImage(InlineImage.newBuilder().setData(ByteBuffer.wrap(image)).build()).build();
    }

    /** A capture by claim check. */
    public static ImageCaptured claimCheck(String imageId, String uri) {
        return base(imageId, "A thangka, scanned large.")
                .setImage(ImageReference.newBuilder().setUri(uri).build()).setContentType("image/tiff").build();
    }

    private static ImageCaptured.Builder base(String imageId, String caption) {
        return ImageCaptured.newBuilder()
                .setImageId(imageId)
                .setLineId("line-t")
                .setScannerId("scanner-t")
                .setCapturedAt(Instant.parse("2026-03-01T10:00:00Z"))
                .setCaption(caption)
                .setContentType("image/png")
                .setMetadata(Map.of());
    }
}

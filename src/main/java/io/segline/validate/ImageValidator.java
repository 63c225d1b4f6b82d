package io.segline.validate;

import io.segline.records.ImageCaptured;
import io.segline.records.ImageReference;
import io.segline.records.InlineImage;
import io.segline.serde.ByteBuffers;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The validate stage: checks a capture against the line's limits and decodes its image.
 *
 * <p>Inline bytes are limited by {@code segline.max.inline.bytes}; claim checks must be {@code file://}
 * URIs whose real path (symbolic links resolved, {@code ..} normalised) lies under a configured root,
 * and the file may not exceed {@code segline.max.image.bytes}. The pixel count is read from the image
 * header and checked against {@code segline.max.pixels} before any pixel is decoded, so a decompression
 * bomb costs nothing. PNG, JPEG and TIFF are decoded with ImageIO.
 */
public final class ImageValidator {
    private static final java.util.Map<String, String> FORMATS = java.util.Map.of(
            "png", "png", "jpeg", "jpeg", "jpg", "jpeg", "tiff", "tiff", "tif", "tiff");

    static {
        // Decode in memory; ImageIO's disk cache would write temp files per image.
        ImageIO.setUseCache(false);
    }

    private final ValidationLimits limits;
    private final List<Path> roots;

    public ImageValidator(ValidationLimits limits) {
        this.limits = limits;
        List<Path> real = new ArrayList<>();
        for (Path root : limits.claimCheckRoots()) {
            try {
                real.add(root.toRealPath());
            } catch (IOException e) {
                // A root that does not exist admits nothing; keep its normalised form for the message.
                real.add(root.toAbsolutePath().normalize());
            }
        }
        this.roots = List.copyOf(real);
    }

    /** A decoded capture: the image and the encoded bytes it came from. */
    public record Decoded(BufferedImage image, String format, long encodedBytes) {
    }

    /** Validates and decodes, or throws {@link ValidationException} with the reason. */
    public Decoded validate(ImageCaptured event) {
        if (event == null) {
            throw new ValidationException("empty-record", "The record has no value (a tombstone): there is no capture to segment");
        }
        if (event.getImageId() == null || event.getImageId().isBlank()) {
            throw new ValidationException("missing-image-id", "The capture has an empty imageId; every capture needs a unique id");
        }
        int captionLength = event.getCaption().length();
        if (captionLength > limits.maxCaptionChars()) {
            throw new ValidationException("caption-too-long", "The caption has " + captionLength + " characters, more than the"
                    + " limit of " + limits.maxCaptionChars() + " (segline.max.caption.chars): shorten it or raise the limit");
        }
        byte[] bytes;
        if (event.getImage() instanceof InlineImage inline) {
            bytes = inline(inline);
        } else if (event.getImage() instanceof ImageReference reference) {
            bytes = fetch(reference);
        } else {
            throw new ValidationException("unknown-image-kind", "The image is neither inline nor a claim check");
        }
        return decode(bytes);
    }

    private byte[] inline(InlineImage inline) {
        int size = inline.getData().remaining();
        if (size > limits.maxInlineBytes()) {
            throw new ValidationException("inline-too-large", "The inline image has " + size + " bytes, more than"
                    + " segline.max.inline.bytes=" + limits.maxInlineBytes() + ": send large scans by claim check (a file:// URI)");
        }
        return ByteBuffers.toArray(inline.getData());
    }

    private byte[] fetch(ImageReference reference) {
        URI uri;
        try {
            uri = URI.create(reference.getUri());
        } catch (IllegalArgumentException e) {
            throw new ValidationException("bad-claim-check", "The claim-check URI '" + reference.getUri() + "' is not a valid URI");
        }
        if (!"file".equalsIgnoreCase(uri.getScheme())) {
            throw new ValidationException("unsupported-claim-check", "The claim-check URI '" + reference.getUri()
                    + "' uses scheme '" + uri.getScheme() + "'; only file:// URIs are supported");
        }
        if (roots.isEmpty()) {
            throw new ValidationException("claim-check-not-allowed", "The capture is a claim check (" + reference.getUri()
                    + ") but no claim-check roots are configured: set segline.claim.check.roots to the folders the line may read");
        }
        Path path;
        try {
            path = Path.of(uri).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            throw new ValidationException("bad-claim-check", "The claim-check URI '" + reference.getUri() + "' is not a usable file path: " + e.getMessage());
        }
        if (roots.stream().noneMatch(path::startsWith)) {
            throw new ValidationException("claim-check-outside-roots", "The claim-check path " + path + " is outside the"
                    + " allowed roots " + roots + " (segline.claim.check.roots); the line reads only from those folders");
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ValidationException("claim-check-missing", "The claim-check file " + path + " does not exist: was it moved,"
                    + " or not yet copied to the shared storage?");
        } catch (IOException e) {
            throw new ValidationException("claim-check-unreadable", "The claim-check file " + path + " cannot be read: " + e.getMessage(), e);
        }
        // Checked again on the real path: a symbolic link inside a root may point outside it.
        if (roots.stream().noneMatch(real::startsWith)) {
            throw new ValidationException("claim-check-outside-roots", "The claim-check path " + path + " resolves to " + real
                    + ", outside the allowed roots " + roots + " (segline.claim.check.roots)");
        }
        try {
            java.nio.file.attribute.BasicFileAttributes attributes = Files.readAttributes(real,
                    java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                // A FIFO would block the stream thread until someone writes to it; devices and sockets are no scans either.
                throw new ValidationException("claim-check-not-regular-file", "The claim-check path " + real + " is "
                        + (attributes.isDirectory() ? "a directory" : attributes.isOther() ? "a FIFO, device or socket" : "not a regular file")
                        + "; claim checks must name regular files");
            }
            long size = attributes.size();
            if (size > limits.maxImageBytes()) {
                throw new ValidationException("image-too-large", "The claim-check file " + real + " has " + size
                        + " bytes, more than segline.max.image.bytes=" + limits.maxImageBytes());
            }
            byte[] bytes = ClaimCheckReader.read(real, limits.maxImageBytes(), limits.claimCheckTimeout());
            if (reference.getSha256() != null) {
                String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                if (!actual.equalsIgnoreCase(reference.getSha256())) {
                    throw new ValidationException("checksum-mismatch", "The claim-check file " + real + " has SHA-256 " + actual
                            + " but the capture says " + reference.getSha256() + ": the file changed or is not the one captured");
                }
            }
            return bytes;
        } catch (IOException e) {
            throw new ValidationException("claim-check-unreadable", "The claim-check file " + real + " cannot be read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private Decoded decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new ValidationException("empty-image", "The image has zero bytes: the scanner software wrote nothing");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = null;
            String format = null;
            while (readers.hasNext() && reader == null) {
                ImageReader candidate = readers.next();
                format = FORMATS.get(candidate.getFormatName().toLowerCase(Locale.ROOT));
                if (format != null) {
                    reader = candidate;
                }
            }
            if (reader == null) {
                throw new ValidationException("unsupported-format", "The image is not PNG, JPEG or TIFF (it starts with "
                        + describeStart(bytes) + "): convert it to one of those formats");
            }
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw new ValidationException("corrupt-image", "The " + format + " header gives an empty size " + width + "x" + height);
                }
                if (width * height > limits.maxPixels()) {
                    throw new ValidationException("pixel-limit", "The " + format + " header says " + width + "x" + height
                            + " = " + width * height + " pixels, more than segline.max.pixels=" + limits.maxPixels()
                            + "; the image was not decoded (decompression-bomb guard). Downscale it or raise the limit");
                }
                BufferedImage image = reader.read(0);
                return new Decoded(image, format, bytes.length);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ValidationException validation) {
                throw validation;
            }
            throw new ValidationException("corrupt-image", "The image cannot be decoded; it is truncated or corrupt ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    private static String describeStart(byte[] bytes) {
        int n = Math.min(8, bytes.length);
        boolean text = true;
        for (int i = 0; i < n; i++) {
            text &= bytes[i] >= 0x20 && bytes[i] < 0x7f;
        }
        String hex = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, n);
        return text ? "text \"" + new String(bytes, 0, n, StandardCharsets.US_ASCII) + "\" (" + hex + ")" : "bytes " + hex;
    }
}

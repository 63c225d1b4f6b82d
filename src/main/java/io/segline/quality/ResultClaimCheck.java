package io.segline.quality;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The claim check of a result too large for a record: its PNG label map and the COCO RLE of every class
 * are written to a folder, named by the SHA-256 of their content, and the record carries their URIs.
 * Named by content, a result written again (a retried transaction) lands on the same files; each is
 * written to a temporary name and moved into place, so a reader never sees half a file.
 */
final class ResultClaimCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    record Written(String labelMapUri, String rleUri) {
    }

    ResultClaimCheck(Path dir) {
        this.dir = dir;
    }

    Written write(byte[] png, List<List<Integer>> rle, List<String> classNames, int width, int height) {
        try {
            Files.createDirectories(dir);
            Path labelMap = dir.resolve(sha256(png) + ".png");
            if (!Files.isRegularFile(labelMap)) {
                Path tmp = Files.createTempFile(dir, "label-map", ".tmp");
                Files.write(tmp, png);
                Files.move(tmp, labelMap, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Path tmp = Files.createTempFile(dir, "rle", ".tmp");
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (OutputStream out = new java.security.DigestOutputStream(Files.newOutputStream(tmp), digest);
                    JsonGenerator g = JSON.getFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeArrayFieldStart("size");
                g.writeNumber(height);
                g.writeNumber(width);
                g.writeEndArray();
                g.writeObjectFieldStart("counts");
                for (int c = 0; c < classNames.size(); c++) {
                    g.writeArrayFieldStart(classNames.get(c));
                    for (int v : rle.get(c)) {
                        g.writeNumber(v);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            Path rleFile = dir.resolve(HexFormat.of().formatHex(digest.digest()) + ".rle.json");
            Files.move(tmp, rleFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Written(labelMap.toUri().toString(), rleFile.toUri().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot claim-check a large result into segline.output.claim.check.dir=" + dir + ": "
                    + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

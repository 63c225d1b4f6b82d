package io.segline.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A dataset folder: {@code images/<id>.png|jpg|jpeg|tif|tiff}, optional {@code masks/<id>.png} label
 * maps, {@code captions.jsonl} ({@code {"id", "caption", "lineId"}} per line) and {@code classes.json}.
 * Images without a caption line get an empty caption; caption lines without an image are an error.
 */
public final class DatasetFolder {
    private static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "tif", "tiff");

    /** One image of the folder. */
    public record Entry(String id, Path image, Optional<Path> mask, String caption, Optional<String> lineId, Optional<String> style) {
    }

    private DatasetFolder() {
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node == null || !node.hasNonNull(field) ? Optional.empty() : Optional.of(node.get(field).asText());
    }

    public static List<Entry> read(Path dir) {
        Path images = dir.resolve("images");
        if (!Files.isDirectory(images)) {
            throw new IllegalArgumentException(dir + " is not a dataset folder: it has no images/ folder");
        }
        Map<String, JsonNode> captions = new LinkedHashMap<>();
        Path captionsFile = dir.resolve("captions.jsonl");
        if (Files.exists(captionsFile)) {
            JsonLines.forEach(captionsFile, (node, number) -> {
                if (!node.hasNonNull("id")) {
                    throw new IllegalArgumentException(captionsFile + " line " + number + " has no \"id\"");
                }
                captions.put(node.get("id").asText(), node);
            });
        }
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(images)) {
            for (Path image : files.sorted().toList()) {
                String name = image.getFileName().toString();
                int dot = name.lastIndexOf('.');
                if (dot < 0 || !EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) {
                    continue;
                }
                String id = name.substring(0, dot);
                JsonNode caption = captions.remove(id);
                Path mask = dir.resolve("masks").resolve(id + ".png");
                entries.add(new Entry(id, image, Files.exists(mask) ? Optional.of(mask) : Optional.empty(),
                        caption == null ? "" : caption.path("caption").asText(""),
                        text(caption, "lineId"), text(caption, "style")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!captions.isEmpty()) {
            throw new IllegalArgumentException(captionsFile + " has captions for images that are not in images/: "
                    + captions.keySet().stream().limit(5).toList() + (captions.size() > 5 ? " and " + (captions.size() - 5) + " more" : ""));
        }
        return entries;
    }
}

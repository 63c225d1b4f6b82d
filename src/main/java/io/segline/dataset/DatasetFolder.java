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
    private static final List<String> DEFAULT_CLASSES = List.of("background", "figure", "halo", "backlight", "lotus");

    /** One image of the folder. */
    public record Entry(String id, Path image, Optional<Path> mask, String caption, Optional<String> lineId, Optional<String> style,
            Optional<String> painter, Optional<String> collection) {
        public Entry(String id, Path image, Optional<Path> mask, String caption, Optional<String> lineId, Optional<String> style) {
            this(id, image, mask, caption, lineId, style, Optional.empty(), Optional.empty());
        }
    }

    /** The folder's classes ({@code classes.json}), or the design's five when the file is missing. */
    public static List<String> classes(Path dir) {
        Path file = dir.resolve("classes.json");
        if (!Files.exists(file)) {
            return DEFAULT_CLASSES;
        }
        try {
            JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
            if (!node.isArray() || node.isEmpty()) {
                throw new IllegalArgumentException(file + " must be a JSON array of class names, e.g. " + DEFAULT_CLASSES);
            }
            List<String> names = new ArrayList<>();
            node.forEach(n -> names.add(n.asText()));
            return names;
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a folder whose classes are not {@code expected} (same names, same order), saying what differs. */
    public static void requireClasses(Path dir, List<String> expected) {
        List<String> actual = classes(dir);
        if (!actual.equals(expected)) {
            throw new IllegalArgumentException("The classes of " + dir + " (" + actual + ", from classes.json) differ from the model's "
                    + expected + "; a model segments only the classes it was trained on, in its order. Train a new model on this folder"
                    + " (segline train without --init) or relabel the masks.");
        }
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
                        text(caption, "lineId"), text(caption, "style"), text(caption, "painter"), text(caption, "collection")));
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

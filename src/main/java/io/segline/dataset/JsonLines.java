package io.segline.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.ObjIntConsumer;

/** JSON Lines files (one JSON object per line, blank lines skipped), read one line at a time. */
public final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {
    }

    /** Calls {@code each} with every object and its 1-based line number; a line that is not JSON names its number. */
    public static void forEach(Path file, ObjIntConsumer<JsonNode> each) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    throw new IllegalArgumentException(file + " line " + number + " is not JSON: " + e.getMessage());
                }
                each.accept(node, number);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}

package io.segline.caption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Thangka iconography for caption enrichment: synonyms of each attribute, negation cues, numbers,
 * colours, schools and deities with their usual body colour. Loaded from the built-in
 * {@code lexicon.json}; a curator's file (same shape) adds to the lists and overrides deities, without
 * recompiling ({@code segline.caption.lexicon}).
 */
public final class Lexicon {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, List<String>> lists = new LinkedHashMap<>();
    private final Map<String, Integer> numbers = new LinkedHashMap<>();
    private final Map<String, String> colours = new LinkedHashMap<>();
    private final Map<String, String> schools = new LinkedHashMap<>();
    private final Map<String, String> deityColours = new LinkedHashMap<>();
    private final Map<String, Pattern> patterns = new LinkedHashMap<>();

    private Lexicon() {
    }

    /** The built-in lexicon. */
    public static Lexicon builtIn() {
        try (InputStream in = Lexicon.class.getResourceAsStream("lexicon.json")) {
            Lexicon lexicon = new Lexicon();
            lexicon.add(JSON.readTree(in));
            return lexicon;
        } catch (IOException e) {
            throw new UncheckedIOException("The built-in caption lexicon is unreadable", e);
        }
    }

    /** The built-in lexicon extended by a curator's file (null: built-in only). */
    public static Lexicon withExtension(Path file) {
        Lexicon lexicon = builtIn();
        if (file != null) {
            try {
                lexicon.add(JSON.readTree(Files.readString(file)));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the caption lexicon " + file + ": " + e.getMessage(), e);
            }
        }
        return lexicon;
    }

    private void add(JsonNode root) {
        root.fields().forEachRemaining(field -> {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (value.isArray()) {
                List<String> list = lists.computeIfAbsent(key, k -> new ArrayList<>());
                value.forEach(v -> list.add(v.asText().toLowerCase(Locale.ROOT)));
                // Longest first, so that "body halo" is found before "halo".
                list.sort(Comparator.comparingInt(String::length).reversed());
            }
        });
        root.path("numbers").fields().forEachRemaining(e -> numbers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asInt()));
        root.path("colours").fields().forEachRemaining(e -> colours.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
        root.path("schools").fields().forEachRemaining(e -> schools.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
        root.path("deities").fields().forEachRemaining(e -> {
            if (e.getValue().hasNonNull("body_color")) {
                deityColours.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().get("body_color").asText());
            }
        });
        patterns.clear();
    }

    /** A word list by name (empty if absent), longest phrase first. */
    public List<String> list(String name) {
        return lists.getOrDefault(name, List.of());
    }

    public Map<String, Integer> numbers() {
        return numbers;
    }

    public Map<String, String> colours() {
        return colours;
    }

    public Map<String, String> schools() {
        return schools;
    }

    public Map<String, String> deityColours() {
        return deityColours;
    }

    /** A whole-word regular expression matching any of the phrases of a list, longest first; cached. */
    Pattern pattern(String listName) {
        return patterns.computeIfAbsent(listName, n -> alternation(list(n)));
    }

    /** A whole-word alternation of the given phrases, longest first. */
    static Pattern alternation(java.util.Collection<String> phrases) {
        List<String> sorted = new ArrayList<>(phrases);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        StringBuilder regex = new StringBuilder("(?<![\\p{L}\\p{N}])(?:");
        for (int i = 0; i < sorted.size(); i++) {
            regex.append(i == 0 ? "" : "|").append(Pattern.quote(sorted.get(i)));
        }
        regex.append(")(?![\\p{L}\\p{N}])");
        return Pattern.compile(sorted.isEmpty() ? "(?!)" : regex.toString());
    }
}

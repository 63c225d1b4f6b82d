package io.segline.caption;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.dataset.SynthWriter;
import io.segline.records.CaptionAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule-based attribute extraction against the attributes.jsonl of 2,000 generated captions. */
class GeneratedCaptionAccuracyTest {
    static final List<String> ATTRIBUTES = List.of("single_figure", "multi_limbed", "lotus_seat", "halo", "backlight", "flames",
            "raised_hand", "degraded", "arm_count", "body_color", "school");

    @TempDir
    Path dir;

    @Test
    void shouldExtractEveryStatedAttributeOfGeneratedCaptions() throws Exception {
        SynthWriter.write(dir, 2000, 77, "mixed", 64, 80, () -> { });
        ObjectMapper json = new ObjectMapper();
        Map<String, String> captions = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("captions.jsonl"))) {
            JsonNode node = json.readTree(line);
            captions.put(node.get("id").asText(), node.get("caption").asText());
        }
        RuleExtractor extractor = new RuleExtractor(Lexicon.builtIn());
        Map<String, Integer> correct = new HashMap<>();
        Map<String, String> firstMistake = new HashMap<>();
        List<String> lines = Files.readAllLines(dir.resolve("attributes.jsonl"));
        for (String line : lines) {
            JsonNode node = json.readTree(line);
            String caption = captions.get(node.get("id").asText());
            Map<String, Object> got = RuleExtractor.describe(extractor.extract(caption));
            for (String attribute : ATTRIBUTES) {
                JsonNode expected = node.get("stated").get(attribute);
                Object want = expected.isNull() ? null : expected.isInt() ? (Object) expected.asInt() : expected.asText();
                if (Objects.equals(want, got.get(attribute))) {
                    correct.merge(attribute, 1, Integer::sum);
                } else {
                    firstMistake.putIfAbsent(attribute, attribute + ": expected " + want + ", got " + got.get(attribute) + " in: " + caption);
                }
            }
        }
        StringBuilder report = new StringBuilder("Attribute accuracy on " + lines.size() + " generated captions:\n");
        for (String attribute : ATTRIBUTES) {
            report.append(String.format("  %-14s %.4f%n", attribute, correct.getOrDefault(attribute, 0) / (double) lines.size()));
        }
        System.out.print(report);
        firstMistake.values().forEach(m -> System.out.println("  e.g. " + m));
        for (String attribute : ATTRIBUTES) {
            assertThat(correct.getOrDefault(attribute, 0) / (double) lines.size()).as("%s%n%s", attribute, report)
                    .isGreaterThanOrEqualTo(0.98);
        }
    }
}

package io.segline.caption;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Rule-based extraction on catalogue captions written by hand, in phrasings of their own (not the
 * generator's): 44 captions with the attributes a careful reader takes from them; anything a caption does
 * not state is expected UNKNOWN (or no value).
 */
class HandwrittenCaptionAccuracyTest {

    @Test
    void shouldReachNinetyPercentPerAttributeOnHandwrittenCaptions() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> cases = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/captions/handwritten.jsonl"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    cases.add(json.readTree(line));
                }
            }
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
        RuleExtractor extractor = new RuleExtractor(Lexicon.builtIn());
        Map<String, Integer> correct = new HashMap<>();
        List<String> mistakes = new ArrayList<>();
        for (JsonNode c : cases) {
            Map<String, Object> got = RuleExtractor.describe(extractor.extract(c.get("caption").asText()));
            for (String attribute : GeneratedCaptionAccuracyTest.ATTRIBUTES) {
                JsonNode e = c.get("expected").get(attribute);
                Object want = e == null ? (attribute.equals("arm_count") || attribute.equals("body_color") || attribute.equals("school") ? null : "UNKNOWN")
                        : e.isInt() ? (Object) e.asInt() : e.asText();
                if (Objects.equals(want, got.get(attribute))) {
                    correct.merge(attribute, 1, Integer::sum);
                } else {
                    mistakes.add(attribute + ": expected " + want + ", got " + got.get(attribute) + " <- " + c.get("caption").asText());
                }
            }
        }
        StringBuilder report = new StringBuilder("Attribute accuracy on " + cases.size() + " hand-written captions:\n");
        for (String attribute : GeneratedCaptionAccuracyTest.ATTRIBUTES) {
            report.append(String.format("  %-14s %.3f%n", attribute, correct.getOrDefault(attribute, 0) / (double) cases.size()));
        }
        System.out.print(report);
        mistakes.forEach(m -> System.out.println("  miss: " + m));
        for (String attribute : GeneratedCaptionAccuracyTest.ATTRIBUTES) {
            assertThat(correct.getOrDefault(attribute, 0) / (double) cases.size()).as("%s%n%s", attribute, report)
                    .isGreaterThanOrEqualTo(0.90);
        }
    }
}

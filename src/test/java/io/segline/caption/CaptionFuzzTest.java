package io.segline.caption;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.records.SampleRecords;
import io.segline.testing.Fuzzing;
import java.time.Duration;
import org.assertj.core.api.Assertions;

/**
 * Caption enrichment meets whatever text a producer sends: the rules enricher always answers, within its time
 * budget, and an LLM's answer (chat-completions JSON) is either attributes or an {@link IllegalArgumentException}
 * or parse error, after which the line falls back to the rules.
 */
class CaptionFuzzTest {
    private static final RulesEnricher RULES = new RulesEnricher(Lexicon.builtIn());
    private static final ImageCaptured TEMPLATE = SampleRecords.imageCaptured();

    static {
        // Class loading and the lexicon's patterns are paid once, not by the first input.
        RULES.enrich(TEMPLATE);
    }

    @FuzzTest(maxDuration = "8s")
    void shouldEnrichAnyCaption(String caption) {
        if (caption == null) {
            return; // a capture's caption is a non-null Avro string
        }
        ImageCaptured capture = ImageCaptured.newBuilder(TEMPLATE).setCaption(caption).build();
        Fuzzing.within(Duration.ofSeconds(1), caption.length(), () -> {
            EnrichedCaption enriched = RULES.enrich(capture);
            Assertions.assertThat(enriched.getRewrite()).isNotNull();
        });
    }

    @FuzzTest(maxDuration = "8s")
    void shouldReadAnLlmAnswerOrRefuseIt(String answer) {
        if (answer == null) {
            return; // an HTTP body is never null
        }
        Fuzzing.within(Duration.ofSeconds(1), answer.length(), () -> {
            try {
                LlmEnricher.parse(answer);
            } catch (IllegalArgumentException | java.io.IOException expected) {
                // the rules answer instead
            }
        });
    }
}

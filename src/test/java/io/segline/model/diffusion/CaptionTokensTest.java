package io.segline.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.records.EnrichedCaption;
import io.segline.testing.TestCaptions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CaptionTokensTest {
    private static final DiffusionConfig ATTRIBUTES = DiffusionConfig.defaults("t");
    private static final DiffusionConfig WORDS = new DiffusionConfig("w", "1", 128, 160, 5, 1024, 48, 16, 48, true, 1000, 3, 2);

    private static int[] sorted(int[] tokens) {
        int[] copy = tokens.clone();
        Arrays.sort(copy);
        return copy;
    }

    @Test
    void shouldTellAStatementFromItsOppositeWhereHashedWordsCannot() {
        String said = "There is a halo. There is no lotus seat.";
        String opposite = "There is no halo. There is a lotus seat.";
        // The same bag of words: attention over tokens without order cannot tell them apart.
        assertThat(sorted(CaptionTokens.encode(opposite, WORDS.vocabulary(), WORDS.maxTokens())))
                .isEqualTo(sorted(CaptionTokens.encode(said, WORDS.vocabulary(), WORDS.maxTokens())));
        int[] a = attributeTokens(CaptionTokens.encode(TestCaptions.enriched(said), ATTRIBUTES));
        int[] b = attributeTokens(CaptionTokens.encode(TestCaptions.enriched(opposite), ATTRIBUTES));
        assertThat(a).hasSize(2);
        assertThat(b).hasSize(2);
        assertThat(a).doesNotContain(b);
    }

    private static int[] attributeTokens(int[] tokens) {
        return Arrays.stream(tokens).filter(t -> t > CaptionTokens.START && t < CaptionTokens.RESERVED).toArray();
    }

    @Test
    void shouldPutStatedAttributesFirstAndGiveUnknownOnesNoToken() {
        int[] none = CaptionTokens.encode(TestCaptions.enriched("A painting."), ATTRIBUTES);
        int[] halo = CaptionTokens.encode(TestCaptions.enriched("A painting of a deity with a halo, four-armed."), ATTRIBUTES);
        assertThat(none[0]).isEqualTo(CaptionTokens.START);
        assertThat(Arrays.stream(none).filter(t -> t > CaptionTokens.START && t < CaptionTokens.RESERVED)).isEmpty();
        assertThat(Arrays.stream(halo).filter(t -> t > CaptionTokens.START && t < CaptionTokens.RESERVED).count()).isGreaterThanOrEqualTo(2);
        assertThat(Arrays.stream(halo).filter(t -> t >= ATTRIBUTES.vocabulary())).isEmpty();
    }

    @Test
    void shouldGiveAnAbsentCaptionTheStartTokenAlone() {
        int[] tokens = CaptionTokens.encode(null, ATTRIBUTES);
        assertThat(tokens[0]).isEqualTo(CaptionTokens.START);
        assertThat(Arrays.stream(tokens).skip(1)).containsOnly(CaptionTokens.PAD);
    }

    @Test
    void shouldReadModelDescriptionsWrittenBeforeClassNamesAndTokenizers() {
        DiffusionConfig old = DiffusionConfig.read(new java.io.ByteArrayInputStream(("{\"name\":\"spirit-s\",\"version\":\"1\",\"inputWidth\":128,"
                + "\"inputHeight\":160,\"classes\":5,\"vocabulary\":1024,\"maxTokens\":48,\"width\":16,\"textDim\":48,\"symmetry\":true,"
                + "\"timesteps\":1000,\"samplingSteps\":3,\"samples\":2}").getBytes(java.nio.charset.StandardCharsets.UTF_8)), "test");
        assertThat(old.tokenizer()).isEqualTo(DiffusionConfig.WORDS);
        assertThat(old.classNames()).isEqualTo(DiffusionConfig.THANGKA_CLASSES);
        assertThat(old.support()).isFalse();
    }
}

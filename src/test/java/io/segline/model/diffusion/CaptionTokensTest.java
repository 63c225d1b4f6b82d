package io.segline.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaptionTokensTest {

    @Test
    void shouldStartWithTheStartTokenAndPadTheRest() {
        int[] ids = CaptionTokens.encode("Green Tara", 1024, 6);
        assertThat(ids[0]).isEqualTo(CaptionTokens.START);
        assertThat(ids[1]).isBetween(2, 1023);
        assertThat(ids[2]).isBetween(2, 1023);
        assertThat(ids).endsWith(CaptionTokens.PAD, CaptionTokens.PAD, CaptionTokens.PAD);
    }

    @Test
    void shouldIgnoreCaseAndPunctuation() {
        assertThat(CaptionTokens.encode("A halo, with flames!", 512, 8))
                .isEqualTo(CaptionTokens.encode("a HALO with   flames", 512, 8));
    }

    @Test
    void shouldGiveAnEmptyCaptionOnlyTheStartToken() {
        assertThat(CaptionTokens.encode("", 512, 4)).containsExactly(CaptionTokens.START, 0, 0, 0);
        assertThat(CaptionTokens.encode(null, 512, 4)).containsExactly(CaptionTokens.START, 0, 0, 0);
    }

    @Test
    void shouldTruncateLongCaptionsAtMaxTokens() {
        int[] ids = CaptionTokens.encode("one two three four five six seven", 512, 4);
        assertThat(ids).hasSize(4).doesNotContain(CaptionTokens.PAD);
        assertThat(ids[1]).isEqualTo(CaptionTokens.encode("one", 512, 4)[1]);
    }
}

package io.segline.model.diffusion;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Caption text to token ids for the model's text encoder. Two tokenizers ({@link DiffusionConfig#tokenizer()}):
 *
 * <ul>
 *   <li>{@code words}: lower-cased words (letters and digits) hashed (FNV-1a) into {@code vocabulary - 2}
 *       buckets, after a start token. Hashing needs no vocabulary file and maps words never seen in
 *       training to some bucket rather than failing.</li>
 *   <li>{@code attributes}: after the start token, one reserved token per attribute the enrichment
 *       stated (halo YES, lotus seat NO, arm count 4, ...), then the hashed words in the buckets above the
 *       reserved range. The attention over tokens has no word order, so "There is a halo. There is no
 *       lotus seat." is the same bag of words as its opposite; the reserved tokens keep each statement
 *       whole. An UNKNOWN attribute gives no token.</li>
 * </ul>
 */
public final class CaptionTokens {
    public static final int PAD = 0;
    public static final int START = 1;
    /** Tokens below this id are reserved for attributes; hashed words go above. */
    static final int RESERVED = 64;
    private static final int ARM_BASE = 2 + 2 * 8;
    private static final int MAX_ARMS = 16;

    private CaptionTokens() {
    }

    /** Token ids of an enriched caption for a model of this shape ({@code null} or blank: the start token alone). */
    public static int[] encode(io.segline.records.EnrichedCaption caption, DiffusionConfig config) {
        if (caption == null) {
            return encode("", config.vocabulary(), config.maxTokens());
        }
        if (!config.tokenizer().equals(DiffusionConfig.ATTRIBUTES)) {
            return encode(caption.getFinalText(), config.vocabulary(), config.maxTokens());
        }
        return encode(caption.getAttributes(), caption.getFinalText(), config.vocabulary(), config.maxTokens());
    }

    /** The {@code attributes} tokenizer: stated attributes first, then the words of {@code text}. */
    public static int[] encode(io.segline.records.CaptionAttributes a, String text, int vocabulary, int maxTokens) {
        if (vocabulary <= RESERVED + 1) {
            throw new IllegalArgumentException("the attributes tokenizer needs a vocabulary above " + (RESERVED + 1) + ", not " + vocabulary);
        }
        int[] ids = new int[maxTokens];
        ids[0] = START;
        int n = 1;
        io.segline.records.Tristate[] states = {a.getSingleFigure(), a.getMultiLimbed(), a.getLotusSeat(), a.getHalo(), a.getBacklight(),
            a.getFlames(), a.getRaisedHand(), a.getDegraded()};
        for (int i = 0; i < states.length && n < maxTokens; i++) {
            if (states[i] == io.segline.records.Tristate.YES) {
                ids[n++] = 2 + 2 * i;
            } else if (states[i] == io.segline.records.Tristate.NO) {
                ids[n++] = 3 + 2 * i;
            }
        }
        if (a.getArmCount() != null && n < maxTokens) {
            ids[n++] = ARM_BASE + Math.max(0, Math.min(MAX_ARMS, a.getArmCount()));
        }
        int[] words = encode(text, vocabulary - RESERVED + 2, maxTokens - n + 1);
        for (int i = 1; i < words.length && words[i] != PAD; i++) {
            ids[n++] = words[i] - 2 + RESERVED;
        }
        return ids;
    }

    /** Token ids, {@code maxTokens} long, padded with {@link #PAD}. */
    public static int[] encode(String text, int vocabulary, int maxTokens) {
        int[] ids = new int[maxTokens];
        ids[0] = START;
        int n = 1;
        String lower = text == null ? "" : text.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < lower.length() && n < maxTokens) {
            while (i < lower.length() && !Character.isLetterOrDigit(lower.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < lower.length() && Character.isLetterOrDigit(lower.charAt(i))) {
                i++;
            }
            if (i > start) {
                ids[n++] = 2 + bucket(lower.substring(start, i), vocabulary - 2);
            }
        }
        return ids;
    }

    private static int bucket(String word, int buckets) {
        int hash = 0x811c9dc5;
        for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return Integer.remainderUnsigned(hash, buckets);
    }
}

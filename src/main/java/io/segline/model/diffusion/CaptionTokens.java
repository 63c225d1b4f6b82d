package io.segline.model.diffusion;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Caption text to token ids for the model's text encoder: lower-cased words (letters and digits)
 * hashed (FNV-1a) into {@code vocabulary - 2} buckets, after a start token. Hashing needs no vocabulary
 * file and maps words never seen in training to some bucket rather than failing; the templates of the
 * enriched caption use a small fixed wording, so collisions among the words that matter are rare.
 */
public final class CaptionTokens {
    public static final int PAD = 0;
    public static final int START = 1;

    private CaptionTokens() {
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

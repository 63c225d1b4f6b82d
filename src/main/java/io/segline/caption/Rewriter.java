package io.segline.caption;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Condenses a caption to the sentences that matter for segmentation: those that speak of the figure,
 * its arms, hands, colour and posture, the halo, backlight, flames, lotus or the painting's condition.
 * Provenance, materials, inscriptions and background scenery go. The first sentence (the subject) stays.
 */
public final class Rewriter {
    private static final Pattern SENTENCES = Pattern.compile("(?<=[.!?;])\\s+");

    private final Pattern relevant;

    public Rewriter(Lexicon lexicon) {
        List<String> words = new ArrayList<>();
        for (String list : List.of("relevant", "halo", "backlight", "flames", "lotus_seat", "raised_hand", "raised_hand_no",
                "degraded", "not_degraded", "multi_limbed_yes", "single_figure_yes", "single_figure_no")) {
            words.addAll(lexicon.list(list));
        }
        words.addAll(lexicon.deityColours().keySet());
        this.relevant = Lexicon.alternation(words);
    }

    public String rewrite(String caption) {
        String[] sentences = SENTENCES.split(caption.trim());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sentences.length; i++) {
            String sentence = sentences[i].trim();
            if (sentence.isEmpty()) {
                continue;
            }
            if (i == 0 || relevant.matcher(sentence.toLowerCase(Locale.ROOT)).find()) {
                out.append(out.length() == 0 ? "" : " ").append(sentence);
            }
        }
        return out.toString();
    }
}

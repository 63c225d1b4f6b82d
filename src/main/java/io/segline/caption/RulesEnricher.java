package io.segline.caption;

import io.segline.records.CaptionAttributes;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import java.time.Instant;
import java.util.List;

/**
 * SPIRIT's TAR with rules: attributes from the {@link Lexicon}, template statements, a condensed rewrite;
 * the text for the segmenter is the rewrite followed by the templates. Deterministic, no network.
 */
public final class RulesEnricher implements CaptionEnricher {
    private final RuleExtractor extractor;
    private final Rewriter rewriter;

    public RulesEnricher(Lexicon lexicon) {
        this.extractor = new RuleExtractor(lexicon);
        this.rewriter = new Rewriter(lexicon);
    }

    @Override
    public EnrichedCaption enrich(ImageCaptured event) {
        return build(event, extractor.extract(event.getCaption()), name());
    }

    /** Attributes of a caption, by the rules. */
    public CaptionAttributes attributes(String caption) {
        return extractor.extract(caption);
    }

    /** The enriched caption for given attributes (from the rules or from elsewhere), recording {@code backend}. */
    EnrichedCaption build(ImageCaptured event, CaptionAttributes attributes, String backend) {
        String rewrite = rewriter.rewrite(event.getCaption());
        List<String> templates = Templates.render(attributes);
        String finalText = (rewrite + " " + String.join(" ", templates)).trim();
        return EnrichedCaption.newBuilder()
                .setImageId(event.getImageId())
                .setLineId(event.getLineId())
                .setOriginal(event.getCaption())
                .setRewrite(rewrite)
                .setAttributes(attributes)
                .setTemplates(templates)
                .setFinalText(finalText)
                .setBackend(backend)
                .setEnrichedAt(Instant.now())
                .build();
    }

    @Override
    public String name() {
        return "rules";
    }
}

package io.segline.caption;

import io.segline.records.CaptionAttributes;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import java.time.Instant;
import java.util.List;

/**
 * Enrichment off: the caption passes unchanged, every attribute is UNKNOWN, no templates, and the
 * record says {@code backend=none}. The ablation baseline for caption enrichment.
 */
public final class NoEnrichment implements CaptionEnricher {
    @Override
    public EnrichedCaption enrich(ImageCaptured event) {
        return EnrichedCaption.newBuilder()
                .setImageId(event.getImageId())
                .setLineId(event.getLineId())
                .setOriginal(event.getCaption())
                .setRewrite(event.getCaption())
                .setAttributes(CaptionAttributes.newBuilder().build())
                .setTemplates(List.of())
                .setFinalText(event.getCaption())
                .setBackend(name())
                .setEnrichedAt(Instant.now())
                .build();
    }

    @Override
    public String name() {
        return "none";
    }
}

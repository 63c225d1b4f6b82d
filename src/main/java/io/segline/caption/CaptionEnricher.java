package io.segline.caption;

import io.segline.records.ImageCaptured;
import io.segline.records.EnrichedCaption;

/** The caption enrichment stage (SPIRIT's TAR): turns a capture's caption into the text the segmenter reads. */
public interface CaptionEnricher {

    /** Enriches the caption of {@code event}; never returns null. */
    EnrichedCaption enrich(ImageCaptured event);

    /** The mode name, as configured ({@code segline.enrichment}) and recorded in {@code EnrichedCaption.backend}. */
    String name();

    /** The enricher a mode name selects. */
    static CaptionEnricher forMode(String mode) {
        if ("none".equals(mode)) {
            return new NoEnrichment();
        }
        throw new IllegalArgumentException("Unknown caption enrichment '" + mode + "'; available: none");
    }
}

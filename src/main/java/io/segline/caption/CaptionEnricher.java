package io.segline.caption;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** The caption enrichment stage (SPIRIT's TAR): turns a capture's caption into the text the segmenter reads. */
public interface CaptionEnricher {

    /** Enriches the caption of {@code event}; never returns null. */
    EnrichedCaption enrich(ImageCaptured event);

    /** The mode name, as configured ({@code segline.enrichment}) and recorded in {@code EnrichedCaption.backend}. */
    String name();

    /**
     * The enricher the configuration selects: {@code none}, {@code rules} (with the built-in lexicon, extended by
     * {@code segline.caption.lexicon} when set) or {@code llm} ({@code segline.caption.llm.*}, the API key from the
     * environment variable named by {@code segline.caption.llm.api.key.env}).
     */
    static CaptionEnricher create(SeglineConfig config) {
        String mode = config.require(Keys.ENRICHMENT);
        switch (mode) {
            case "none":
                return new NoEnrichment();
            case "rules":
                return rules(config);
            case "llm":
                String url = config.get(Keys.LLM_URL);
                if (url == null || url.isBlank()) {
                    throw new IllegalArgumentException("segline.enrichment=llm needs " + Keys.LLM_URL
                            + " (an OpenAI-compatible chat-completions URL, e.g. http://localhost:8000/v1/chat/completions)");
                }
                String keyVariable = config.get(Keys.LLM_API_KEY_ENV);
                return new LlmEnricher(new LlmEnricher.Settings(URI.create(url), config.require(Keys.LLM_MODEL),
                        keyVariable == null ? null : System.getenv(keyVariable),
                        Duration.ofMillis(config.getLong(Keys.LLM_TIMEOUT_MS)), config.getInt(Keys.LLM_MAX_CONCURRENT),
                        config.getInt(Keys.LLM_CACHE_SIZE)), rules(config));
            default:
                throw new IllegalArgumentException("Unknown caption enrichment '" + mode + "'; available: none, rules, llm");
        }
    }

    private static RulesEnricher rules(SeglineConfig config) {
        String lexicon = config.get(Keys.CAPTION_LEXICON);
        return new RulesEnricher(Lexicon.withExtension(lexicon == null || lexicon.isBlank() ? null : Path.of(lexicon)));
    }
}

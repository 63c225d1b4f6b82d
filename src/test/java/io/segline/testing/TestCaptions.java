package io.segline.testing;

import io.segline.caption.Lexicon;
import io.segline.caption.RulesEnricher;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.records.InlineImage;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Enriched captions for tests that call a segmenter directly. */
public final class TestCaptions {
    private static final RulesEnricher RULES = new RulesEnricher(Lexicon.builtIn());

    private TestCaptions() {
    }

    public static EnrichedCaption enriched(String caption) {
        return RULES.enrich(ImageCaptured.newBuilder().setImageId("test").setLineId("test").setScannerId("test")
                .setCapturedAt(Instant.EPOCH).setCaption(caption)
                .setImage(InlineImage.newBuilder().setData(ByteBuffer.allocate(0)).build()).setContentType("image/png").build());
    }
}

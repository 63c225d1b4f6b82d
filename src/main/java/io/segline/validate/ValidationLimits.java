package io.segline.validate;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import java.nio.file.Path;
import java.util.List;

/** What the validate stage accepts: sizes, pixel count, caption length and the claim-check roots. */
public record ValidationLimits(long maxInlineBytes, long maxImageBytes, long maxPixels, int maxCaptionChars,
        List<Path> claimCheckRoots) {

    public ValidationLimits {
        claimCheckRoots = List.copyOf(claimCheckRoots);
    }

    public static ValidationLimits from(SeglineConfig config) {
        return new ValidationLimits(config.getLong(Keys.MAX_INLINE_BYTES), config.getLong(Keys.MAX_IMAGE_BYTES),
                config.getLong(Keys.MAX_PIXELS), config.getInt(Keys.MAX_CAPTION_CHARS), config.getPaths(Keys.CLAIM_CHECK_ROOTS));
    }
}

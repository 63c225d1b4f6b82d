package io.segline.validate;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import java.nio.file.Path;
import java.util.List;

/**
 * What the validate stage accepts: sizes, pixel count, caption length, the claim-check roots and how long
 * reading one claim-check file may take.
 */
public record ValidationLimits(long maxInlineBytes, long maxImageBytes, long maxPixels, int maxCaptionChars,
        List<Path> claimCheckRoots, java.time.Duration claimCheckTimeout) {
    /** Default bound on reading one claim-check file. */
    public static final java.time.Duration DEFAULT_CLAIM_CHECK_TIMEOUT = java.time.Duration.ofSeconds(10);

    public ValidationLimits {
        claimCheckRoots = List.copyOf(claimCheckRoots);
        if (claimCheckTimeout == null || claimCheckTimeout.isNegative() || claimCheckTimeout.isZero()) {
            throw new IllegalArgumentException(Keys.CLAIM_CHECK_TIMEOUT_MS + " must be positive");
        }
    }

    public ValidationLimits(long maxInlineBytes, long maxImageBytes, long maxPixels, int maxCaptionChars, List<Path> claimCheckRoots) {
        this(maxInlineBytes, maxImageBytes, maxPixels, maxCaptionChars, claimCheckRoots, DEFAULT_CLAIM_CHECK_TIMEOUT);
    }

    public static ValidationLimits from(SeglineConfig config) {
        return new ValidationLimits(config.getLong(Keys.MAX_INLINE_BYTES), config.getLong(Keys.MAX_IMAGE_BYTES),
                config.getLong(Keys.MAX_PIXELS), config.getInt(Keys.MAX_CAPTION_CHARS), config.getPaths(Keys.CLAIM_CHECK_ROOTS),
                java.time.Duration.ofMillis(config.getLong(Keys.CLAIM_CHECK_TIMEOUT_MS)));
    }
}

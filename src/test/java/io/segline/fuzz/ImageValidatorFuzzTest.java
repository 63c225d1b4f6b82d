package io.segline.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.segline.records.ImageCaptured;
import io.segline.records.InlineImage;
import io.segline.records.SampleRecords;
import io.segline.testing.Fuzzing;
import io.segline.validate.ImageValidator;
import io.segline.validate.ValidationException;
import io.segline.validate.ValidationLimits;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * Any bytes as an inline image: decoded within the pixel limit read from the header, or refused with a
 * {@link ValidationException}, within a second. The fuzzing fork's 256 MB heap holds an image at this test's
 * pixel limit many times over, so running out of it means a decoder trusted a size it had not checked. Seeds are
 * small PNG (8- and 16-bit), JPEG, TIFF, GIF and BMP images.
 */
class ImageValidatorFuzzTest {
    private static final long MAX_PIXELS = 1 << 20;
    private static final ImageValidator VALIDATOR = new ImageValidator(new ValidationLimits(1 << 20, 1 << 20, MAX_PIXELS, 4096, List.of()));
    private static final ImageCaptured TEMPLATE = SampleRecords.imageCaptured();

    static {
        // The image readers are loaded once, not charged to the first input.
        VALIDATOR.validate(TEMPLATE);
    }

    @FuzzTest(maxDuration = "8s")
    void shouldDecodeAnImageOrRefuseItWithAReason(byte[] image) {
        ImageCaptured capture = ImageCaptured.newBuilder(TEMPLATE)
                .setImage(InlineImage.newBuilder().setData(ByteBuffer.wrap(image)).build())
                .build();
        Fuzzing.within(Duration.ofSeconds(1), image.length, () -> {
            try {
                VALIDATOR.validate(capture);
            } catch (ValidationException expected) {
                // a dead letter with its reason
            }
        });
    }
}

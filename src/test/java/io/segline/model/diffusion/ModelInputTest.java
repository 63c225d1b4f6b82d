package io.segline.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ModelInputTest {

    @Test
    void shouldAverageEachFootprintWhenHalving() {
        BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xff0000);
        image.setRGB(1, 1, 0xff0000);
        image.setRGB(2, 0, 0x0000ff);
        float[] rgb = ModelInput.pixels(image, 2, 1);
        assertThat(rgb[0]).isEqualTo(0.5f);
        assertThat(rgb[1]).isEqualTo(0f);
        assertThat(rgb[2 * 2 + 1]).isEqualTo(0.25f);
    }

    @Test
    void shouldTakeTheNearestPixelWhenEnlarging() {
        BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x00ff00);
        float[] rgb = ModelInput.pixels(image, 2, 2);
        assertThat(rgb).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0);
    }

    @Test
    void shouldVoteLabelsAndLetIgnoreWinOnlyAlone() {
        byte[] labels = {
            1, 1, (byte) 255, (byte) 255,
            2, 3, (byte) 255, (byte) 255,
        };
        byte[] out = ModelInput.labels(labels, 4, 2, 2, 1, 5);
        assertThat(out[0]).isEqualTo((byte) 1);
        assertThat(out[1] & 0xff).isEqualTo(255);
        byte[] mixed = {(byte) 255, (byte) 255, (byte) 255, 4};
        assertThat(ModelInput.labels(mixed, 2, 2, 1, 1, 5)[0]).isEqualTo((byte) 4);
    }
}

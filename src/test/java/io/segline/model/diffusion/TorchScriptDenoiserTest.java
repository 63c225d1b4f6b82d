package io.segline.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.model.ClassProbabilities;
import io.segline.model.Segmenter;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TorchScript route against a fixture made by tools/make-torchscript-fixture.py with Debian's python3-torch. */
class TorchScriptDenoiserTest {
    private static final Path FIXTURE = Path.of("src/test/resources/torchscript-fixture");
    private static final int W = 32;
    private static final int H = 40;
    private static final int K = 5;

    /** The input formula of the fixture script. */
    private static float[][] input(int batch) {
        float[] image = new float[batch * 3 * H * W];
        float[] xt = new float[batch * K * (H / 2) * (W / 2)];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        image[((b * 3 + c) * H + y) * W + x] = ((b * 7 + c * 3 + y * 5 + x) % 17) / 16f;
                    }
                }
            }
            for (int c = 0; c < K; c++) {
                for (int y = 0; y < H / 2; y++) {
                    for (int x = 0; x < W / 2; x++) {
                        xt[((b * K + c) * (H / 2) + y) * (W / 2) + x] = ((b + c * 5 + y * 3 + x * 2) % 11) / 5f - 1f;
                    }
                }
            }
        }
        return new float[][] {image, xt};
    }

    @Test
    void shouldComputeWhatPyTorchComputedForTheSameInput() throws Exception {
        JsonNode expected = new ObjectMapper().readTree(FIXTURE.resolve("expected.json").toFile());
        float[][] in = input(2);
        try (TorchScriptDenoiser denoiser = TorchScriptDenoiser.load(FIXTURE, Device.cpu());
                NDManager m = denoiser.manager().newSubManager()) {
            NDArray images = m.create(in[0], new Shape(2, 3, H, W));
            NDArray tokens = m.create(new int[] {1, 5, 9, 0, 0, 0, 0, 0, 1, 6, 9, 0, 0, 0, 0, 0}, new Shape(2, 8));
            Denoiser.Context context = denoiser.prepare(m, images, tokens);
            NDArray logits = denoiser.denoise(context, m.create(in[1], new Shape(2, K, H / 2, W / 2)), m.create(new float[] {0.25f, 0.75f}), null);
            assertThat(logits.getShape()).isEqualTo(new Shape(2, K, H, W));
            float[] got = logits.toFloatArray();
            JsonNode want = expected.get("logits");
            assertThat(got).hasSize(want.size());
            for (int i = 0; i < got.length; i++) {
                assertThat((double) got[i]).as("logit %d", i).isCloseTo(want.get(i).asDouble(), org.assertj.core.api.Assertions.within(1e-4));
            }
        }
    }

    @Test
    void shouldSegmentThroughTheTorchScriptRouteAtTheModelsWorkingResolution() {
        try (Segmenter segmenter = io.segline.pipeline.Segmenters.create(new Segmenter.Spec("diffusion", "torchscript:" + FIXTURE, "cpu", false))) {
            BufferedImage image = new BufferedImage(50, 70, BufferedImage.TYPE_INT_RGB);
            image.setRGB(10, 10, 0xffcc00);
            List<ClassProbabilities> out = segmenter.segmentBatch(List.of(image, image), List.of(
                    io.segline.testing.TestCaptions.enriched("a halo"), io.segline.testing.TestCaptions.enriched("a halo")));
            ClassProbabilities p = out.get(0);
            // Probabilities stay at the model's input size; the measure stage upsamples them to the image.
            assertThat(p.width()).isEqualTo(32);
            assertThat(p.height()).isEqualTo(40);
            assertThat(p.classes()).isEqualTo(K);
            for (int i = 0; i < 32 * 40; i += 7) {
                float sum = 0;
                for (float[] plane : p.planes()) {
                    sum += plane[i];
                }
                assertThat(sum).isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-4f));
            }
            assertThat(out.get(1).planes()[2]).containsExactly(p.planes()[2]);
            assertThat(segmenter.modelName()).isEqualTo("tiny-torchscript");
        }
    }

    @Test
    void shouldRefuseAFolderWithoutTheContractFiles(@org.junit.jupiter.api.io.TempDir Path empty) {
        assertThatThrownBy(() -> io.segline.pipeline.Segmenters.check(new Segmenter.Spec("diffusion", "torchscript:" + empty, "cpu", false)))
                .hasMessageContaining("denoiser.pt").hasMessageContaining("model.json");
        assertThatThrownBy(() -> io.segline.pipeline.Segmenters.check(new Segmenter.Spec("diffusion", "no-such-model", "cpu", false)))
                .hasMessageContaining("No model 'no-such-model'");
    }
}

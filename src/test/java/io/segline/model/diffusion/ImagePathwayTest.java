package io.segline.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePathwayTest {
    private static final ImagePathway.Spec SPEC = new ImagePathway.Spec(8, 3, 16, 20, 1000);

    private static byte[] labels(Random r) {
        byte[] l = new byte[SPEC.tokens()];
        for (int i = 0; i < l.length; i++) {
            l[i] = (byte) r.nextInt(3);
        }
        return l;
    }

    @Test
    void shouldBiasExactlyTheClassTokenOfEachPositionAndThePairsThatShareAClass() {
        byte[] l = labels(new Random(1));
        float alpha = 16f;
        float[][] bias = ImagePathway.injection(new byte[][] {l}, 3, SPEC.tokens(), alpha);
        float expected = (float) (alpha / Math.sqrt(ImagePathwayNet.ATTENTION_DIM));
        int n = SPEC.tokens();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                assertThat(bias[0][i * 3 + c]).isEqualTo(c == l[i] ? expected : 0f);
            }
            for (int j = 0; j < n; j++) {
                assertThat(bias[1][i * n + j]).isEqualTo(l[i] == l[j] ? expected : 0f);
            }
        }
    }

    /**
     * The injected mask must move attention logits only where the mask says so: per query row, the change
     * of log-attention is one constant (the softmax's renormalisation) on every key outside the mask and that
     * constant plus α/√d on every key inside it.
     */
    @Test
    void shouldChangeAttentionLogitsOnlyInsideTheInjectedMask() {
        try (ImagePathway pathway = ImagePathway.create(SPEC, Device.cpu(), 7); NDManager m = NDManager.newBaseManager()) {
            byte[] l = labels(new Random(2));
            float alpha = 12f;
            NDArray xt = m.randomNormal(new Shape(1, 3, SPEC.imageHeight(), SPEC.imageWidth()));
            NDArray t = m.create(new float[] {0.4f});
            ParameterStore store = new ParameterStore(pathway.model().getNDManager(), false);
            AttentionHooks plain = new AttentionHooks(null, null, true);
            pathway.net().denoise(store, xt, t, plain, false);
            float[][] bias = ImagePathway.injection(new byte[][] {l}, 3, SPEC.tokens(), alpha);
            int n = SPEC.tokens();
            AttentionHooks injected = new AttentionHooks(m.create(bias[0], new Shape(1, n, 3)), m.create(bias[1], new Shape(1, n, n)), true);
            pathway.net().denoise(store, xt, t, injected, false);
            float step = (float) (alpha / Math.sqrt(ImagePathwayNet.ATTENTION_DIM));
            // The cross-attention sees the same queries with and without injection (it comes first), so its rows compare exactly.
            float[] before = plain.crossMap().log().toFloatArray();
            float[] after = injected.crossMap().log().toFloatArray();
            for (int i = 0; i < n; i++) {
                float outside = Float.NaN;
                for (int c = 0; c < 3; c++) {
                    float change = after[i * 3 + c] - before[i * 3 + c];
                    if (c != l[i]) {
                        if (Float.isNaN(outside)) {
                            outside = change;
                        }
                        assertThat(change).as("row %d key %d outside the mask", i, c).isCloseTo(outside, within(1e-4f));
                    }
                }
                float inside = after[i * 3 + l[i]] - before[i * 3 + l[i]];
                assertThat(inside - outside).as("row %d: the mask's own key gains alpha/sqrt(d)", i).isCloseTo(step, within(1e-4f));
            }
        }
    }

    @Test
    void shouldRegenerateTheSamePaintingForTheSameSeedAndFollowTheInjectedMask() {
        try (ImagePathway pathway = ImagePathway.create(SPEC, Device.cpu(), 7); NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = m.randomUniform(-1f, 1f, new Shape(1, 3, SPEC.imageHeight(), SPEC.imageWidth()));
            byte[] a = labels(new Random(3));
            byte[] b = labels(new Random(4));
            float[] first = pathway.regenerate(m, x0, 400, new byte[][] {a}, 16f, 9).toFloatArray();
            float[] again = pathway.regenerate(m, x0, 400, new byte[][] {a}, 16f, 9).toFloatArray();
            float[] otherMask = pathway.regenerate(m, x0, 400, new byte[][] {b}, 16f, 9).toFloatArray();
            assertThat(again).containsExactly(first);
            assertThat(otherMask).isNotEqualTo(first);
            for (float v : first) {
                assertThat(v).isBetween(-1f, 1f);
            }
        }
    }

    @Test
    void shouldSaveAndLoadWithTheModelFolder(@TempDir Path dir) {
        DiffusionConfig config = new DiffusionConfig("pathway-test", "0", 32, 40, 3, 64, 12, 8, 16, true, 1000, 2, 1,
                java.util.List.of("a", "b", "c"), DiffusionConfig.WORDS, false);
        try (DiffusionModel model = DiffusionModel.create(config, Device.cpu(), 3)) {
            model.useImagePathway(ImagePathway.create(ImagePathway.Spec.of(config, 8), Device.cpu(), 5));
            model.save(dir);
        }
        assertThat(ImagePathway.isIn(dir)).isTrue();
        try (DiffusionModel loaded = DiffusionModel.load(dir, Device.cpu()); NDManager m = NDManager.newBaseManager()) {
            assertThat(loaded.imagePathway()).isPresent();
            assertThat(Models.hasImagePathway(dir.toString())).isTrue();
            NDArray x0 = m.zeros(new Shape(1, 3, 20, 16));
            byte[] l = new byte[20];
            assertThat(loaded.imagePathway().get().regenerate(m, x0, 300, new byte[][] {l}, 4f, 1).getShape())
                    .isEqualTo(new Shape(1, 3, 20, 16));
        }
    }
}

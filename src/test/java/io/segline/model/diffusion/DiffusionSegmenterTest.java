package io.segline.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.segline.dataset.ThangkaSynth;
import io.segline.model.ClassProbabilities;
import io.segline.records.EnrichedCaption;
import io.segline.testing.TestCaptions;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffusionSegmenterTest {
    /** A small network with random weights: the properties below hold for any weights. */
    static DiffusionConfig small() {
        return new DiffusionConfig("test-net", "0", 32, 40, 5, 64, 12, 8, 16, true, 1000, 2, 2);
    }

    private static final ThangkaSynth SYNTH = new ThangkaSynth(64, 80);

    /** Stated tolerance: batched kernels may sum in another order; 1e-5 of a probability is far below any decision. */
    static final float BATCH_TOLERANCE = 1e-5f;

    @Test
    void shouldGiveTheSameProbabilitiesAloneAndInsideABatch() {
        List<BufferedImage> images = List.of(SYNTH.generate(1, 0, "clean").image(), SYNTH.generate(2, 0, "flat").image(),
                SYNTH.generate(3, 0, "degraded").image());
        List<EnrichedCaption> captions = List.of(TestCaptions.enriched("Green Tara on a lotus, with a halo."),
                TestCaptions.enriched("Mahakala in flames"), TestCaptions.enriched(""));
        try (DiffusionSegmenter segmenter = new DiffusionSegmenter(DiffusionModel.create(small(), Device.cpu(), 3), "diffusion", false)) {
            List<ClassProbabilities> batched = segmenter.segmentBatch(images, captions);
            for (int i = 0; i < images.size(); i++) {
                ClassProbabilities alone = segmenter.segment(images.get(i), captions.get(i));
                assertThat(alone.width()).as("probabilities at the model's working resolution, not the image's").isEqualTo(32);
                assertThat(alone.height()).isEqualTo(40);
                for (int c = 0; c < alone.classes(); c++) {
                    float[] a = alone.planes()[c];
                    float[] b = batched.get(i).planes()[c];
                    for (int p = 0; p < a.length; p++) {
                        assertThat(b[p]).as("image %d class %d pixel %d", i, c, p).isCloseTo(a[p], within(BATCH_TOLERANCE));
                    }
                }
            }
        }
    }

    @Test
    void shouldDependOnTheCaptionUnlessCaptionsAreBlanked() {
        BufferedImage image = SYNTH.generate(4, 0, "clean").image();
        EnrichedCaption halo = TestCaptions.enriched("A deity with a halo and a backlight of flames.");
        EnrichedCaption plain = TestCaptions.enriched("A landscape.");
        DiffusionModel model = DiffusionModel.create(small(), Device.cpu(), 5);
        try (DiffusionSegmenter segmenter = new DiffusionSegmenter(model, "diffusion", false)) {
            assertThat(segmenter.segment(image, halo).planes()[2]).isNotEqualTo(segmenter.segment(image, plain).planes()[2]);
        }
        try (DiffusionSegmenter blank = new DiffusionSegmenter(DiffusionModel.create(small(), Device.cpu(), 5), "diffusion", true)) {
            assertThat(blank.segment(image, halo).planes()[2]).containsExactly(blank.segment(image, plain).planes()[2]);
        }
    }

    @Test
    void shouldLoadWhatWasSavedAndSegmentIdentically(@TempDir Path dir) {
        BufferedImage image = SYNTH.generate(6, 0, "mixed").image();
        EnrichedCaption caption = TestCaptions.enriched("Vajrapani, blue, with flames.");
        float[] before;
        try (DiffusionModel model = DiffusionModel.create(small(), Device.cpu(), 9)) {
            model.save(dir);
            before = new DiffusionSegmenter(model, "diffusion", false).segment(image, caption).planes()[1];
        }
        try (DiffusionSegmenter loaded = new DiffusionSegmenter(DiffusionModel.load(dir, Device.cpu()), "diffusion", false)) {
            assertThat(loaded.segment(image, caption).planes()[1]).containsExactly(before);
            assertThat(loaded.modelName()).isEqualTo("test-net");
        }
    }

    @Test
    void shouldExposeAndAcceptAttentionBiasForRefinement() {
        DiffusionConfig config = small();
        try (DiffusionModel model = DiffusionModel.create(config, Device.cpu(), 2);
                ai.djl.ndarray.NDManager m = model.manager().newSubManager()) {
            ai.djl.ndarray.NDArray images = m.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(1, 3, 40, 32));
            ai.djl.ndarray.NDArray tokens = m.create(CaptionTokens.encode("a halo", 64, 12), new ai.djl.ndarray.types.Shape(1, 12));
            Denoiser.Context context = model.prepare(m, images, tokens);
            ai.djl.ndarray.NDArray xt = m.randomNormal(new ai.djl.ndarray.types.Shape(1, 5, 20, 16));
            ai.djl.ndarray.NDArray t = m.create(new float[] {0.4f});
            AttentionHooks recording = AttentionHooks.recording();
            ai.djl.ndarray.NDArray plain = model.denoise(context, xt, t, recording);
            long positions = recording.selfMap().getShape().get(1);
            assertThat(recording.selfMap().getShape().get(2)).isEqualTo(positions);
            assertThat(recording.crossMap().getShape().get(2)).isEqualTo(12);
            assertThat(recording.crossMap().sum(new int[] {2}).sub(1f).abs().max().getFloat()).isLessThan(1e-4f);
            ai.djl.ndarray.NDArray bias = m.zeros(new ai.djl.ndarray.types.Shape(1, positions, positions));
            bias.set(new ai.djl.ndarray.index.NDIndex(":, :, 0"), 20f);
            AttentionHooks biased = new AttentionHooks(null, bias, true);
            ai.djl.ndarray.NDArray shifted = model.denoise(context, xt, t, biased);
            assertThat(biased.selfMap().get(":, :, 0").min().getFloat()).isGreaterThan(0.99f);
            assertThat(shifted.sub(plain).abs().max().getFloat()).isGreaterThan(0f);
        }
    }

    @Test
    void shouldLeaveNoNativeArraysBehindAcrossImages() throws Exception {
        BufferedImage image = SYNTH.generate(8, 0, "clean").image();
        EnrichedCaption caption = TestCaptions.enriched("Green Tara with a halo.");
        try (DiffusionSegmenter segmenter = new DiffusionSegmenter(DiffusionModel.create(small(), Device.cpu(), 1), "diffusion", false)) {
            segmenter.segmentBatch(List.of(image, image), List.of(caption, caption));
            int before = resources(segmenter.denoiser().manager());
            for (int i = 0; i < 5; i++) {
                segmenter.segmentBatch(List.of(image, image), List.of(caption, caption));
            }
            assertThat(resources(segmenter.denoiser().manager())).isEqualTo(before);
        }
    }

    @Test
    void shouldChangeTheOutputWhenTheSymmetryBlockIsSwitchedOff() {
        BufferedImage image = SYNTH.generate(12, 0, "clean").image();
        EnrichedCaption caption = TestCaptions.enriched("Green Tara with a halo.");
        DiffusionModel model = DiffusionModel.create(small(), Device.cpu(), 4);
        try (DiffusionSegmenter segmenter = new DiffusionSegmenter(model, "diffusion", false)) {
            float[] on = segmenter.segment(image, caption).planes()[1];
            model.net().switchOffSymmetry();
            assertThat(segmenter.segment(image, caption).planes()[1]).isNotEqualTo(on);
        }
    }

    /** Arrays and sub-managers the model's manager holds (DJL keeps them in a protected map). */
    private static int resources(ai.djl.ndarray.NDManager manager) throws ReflectiveOperationException {
        java.lang.reflect.Field field = ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
        field.setAccessible(true);
        return ((java.util.Map<?, ?>) field.get(manager)).size();
    }
}

package io.segline.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.segline.dataset.ThangkaSynth;
import io.segline.model.ClassProbabilities;
import io.segline.model.diffusion.DiffusionConfig;
import io.segline.model.diffusion.DiffusionModel;
import io.segline.model.diffusion.DiffusionSegmenter;
import io.segline.model.diffusion.ImagePathway;
import io.segline.records.RefinementSummary;
import io.segline.testing.TestCaptions;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class G4SegRefinerTest {
    private static final DiffusionConfig CONFIG = new DiffusionConfig("g4seg-test", "0", 32, 40, 5, 64, 12, 8, 16, true, 1000, 2, 1);
    private static final BufferedImage PAINTING = new ThangkaSynth(64, 80).generate(4, 0, "clean").image();

    private static DiffusionModel model() {
        DiffusionModel model = DiffusionModel.create(CONFIG, Device.cpu(), 11);
        model.useImagePathway(ImagePathway.create(ImagePathway.Spec.of(CONFIG, 8), Device.cpu(), 12));
        return model;
    }

    /** Every other row confident (0.9 on one class), the rest spread so that some class lies inside [0.2, 0.6]. */
    private static ClassProbabilities halfConfident() {
        Random r = new Random(8);
        int n = CONFIG.inputWidth() * CONFIG.inputHeight();
        float[][] p = new float[5][n];
        for (int i = 0; i < n; i++) {
            boolean confident = (i / CONFIG.inputWidth()) % 2 == 0;
            int top = r.nextInt(5);
            for (int c = 0; c < 5; c++) {
                p[c][i] = confident ? (c == top ? 0.9f : 0.025f) : (c == top ? 0.4f : 0.15f);
            }
        }
        return new ClassProbabilities(CONFIG.inputWidth(), CONFIG.inputHeight(), p);
    }

    @Test
    void shouldLeaveConfidentPixelsExactlyAsTheyAreAndMixOnlyInsideTheBand() {
        try (DiffusionModel model = model()) {
            ClassProbabilities coarse = halfConfident();
            G4SegRefiner.Settings settings = new G4SegRefiner.Settings(400, 8f, 0.8f, 0.2f, 0.6f);
            Refiner.Refined refined = new G4SegRefiner(model, settings).refine(PAINTING, coarse, TestCaptions.enriched(""));
            float[][] before = coarse.planes();
            float[][] after = refined.probabilities().planes();
            int changedUncertain = 0;
            for (int i = 0; i < before[0].length; i++) {
                boolean confident = (i / CONFIG.inputWidth()) % 2 == 0;
                float sum = 0;
                for (int c = 0; c < 5; c++) {
                    sum += after[c][i];
                    if (confident) {
                        assertThat(after[c][i]).as("confident pixel %d class %d", i, c).isEqualTo(before[c][i]);
                    } else if (after[c][i] != before[c][i]) {
                        changedUncertain++;
                    }
                }
                assertThat(sum).isBetween(0.999f, 1.001f);
            }
            assertThat(changedUncertain).as("uncertain pixels mixed with their correspondences").isPositive();
            RefinementSummary summary = refined.summary();
            assertThat(summary.getMethods()).containsExactly("g4seg");
            assertThat(summary.getTimestep()).isEqualTo(400);
            assertThat(summary.getAlpha()).isEqualTo(8.0);
            assertThat(summary.getBeta()).isEqualTo(0.8, org.assertj.core.api.Assertions.within(1e-6));
            assertThat(summary.getBandLow()).isEqualTo(0.2, org.assertj.core.api.Assertions.within(1e-6));
            assertThat(summary.getBandHigh()).isEqualTo(0.6, org.assertj.core.api.Assertions.within(1e-6));
            assertThat(summary.getUncertainPixelFraction()).isEqualTo(0.5, org.assertj.core.api.Assertions.within(0.03));
            assertThat(summary.getMillis()).isPositive();
        }
    }

    @Test
    void shouldChainWithSymmetryAndRecordBothInOrder() {
        try (DiffusionModel model = model();
                DiffusionSegmenter segmenter = new DiffusionSegmenter(model, "diffusion", false)) {
            ClassProbabilities coarse = segmenter.segment(PAINTING, TestCaptions.enriched("A deity on a lotus"));
            Refiner chain = Refiner.create("g4seg+symmetry", segmenter, G4SegRefiner.Settings.defaults());
            assertThat(chain.name()).isEqualTo("g4seg+symmetry");
            RefinementSummary summary = chain.refine(PAINTING, coarse, TestCaptions.enriched("")).summary();
            assertThat(summary.getMethods()).containsExactly("g4seg", "symmetry");
            assertThat(summary.getNotes()).hasSize(2);
            assertThat(summary.getNotes().get(0)).startsWith("g4seg:");
            assertThat(summary.getNotes().get(1)).startsWith("symmetry:");
            assertThat(summary.getTimestep()).isEqualTo(400);
        }
    }

    @Test
    void shouldRefuseAModelWithoutAnImagePathwayAndTheBaselineSegmenter() {
        try (DiffusionModel bare = DiffusionModel.create(CONFIG, Device.cpu(), 1)) {
            assertThatThrownBy(() -> new G4SegRefiner(bare, G4SegRefiner.Settings.defaults())).hasMessageContaining("no image pathway");
        }
        assertThatThrownBy(() -> Refiner.create("g4seg", new io.segline.model.BaselineSegmenter(), G4SegRefiner.Settings.defaults()))
                .hasMessageContaining("needs segline's own diffusion model");
        assertThatThrownBy(() -> new G4SegRefiner.Settings(400, 8f, 0.8f, 0.7f, 0.6f)).hasMessageContaining("band");
    }
}

package io.segline.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.segline.caption.Lexicon;
import io.segline.caption.RulesEnricher;
import io.segline.dataset.SynthWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingTest {
    @TempDir
    static Path data;

    @BeforeAll
    static void writeDataset() {
        SynthWriter.write(data, 12, 31, "mixed", 64, 80, () -> { });
    }

    private static class Recorder implements Training.Listener {
        final List<Float> losses = new ArrayList<>();
        int first = -1;
        final List<Integer> checkpoints = new ArrayList<>();

        @Override
        public void started(int firstStep, int steps, long parameters, int images) {
            first = firstStep;
        }

        @Override
        public void step(int step, float loss, float learningRate) {
            losses.add(loss);
        }

        @Override
        public void checkpoint(int step, Path where) {
            checkpoints.add(step);
        }
    }

    private static Training.Options options(Path out, int steps, boolean resume, Duration every) {
        return new Training.Options(data, out, DiffusionSegmenterTest.small(), steps, 4, 5, 0.003f, 0.2f, true, resume, Device.cpu(), every);
    }

    private static Training training(Training.Options options) {
        return new Training(options, new RulesEnricher(Lexicon.builtIn()));
    }

    @Test
    void shouldBeDeterministicForASeedOnCpu(@TempDir Path a, @TempDir Path b) throws Exception {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        training(options(a, 5, false, Duration.ofHours(1))).run(first);
        training(options(b, 5, false, Duration.ofHours(1))).run(second);
        assertThat(second.losses).containsExactlyElementsOf(first.losses);
        assertThat(Files.readAllBytes(b.resolve(DiffusionModel.WEIGHTS))).isEqualTo(Files.readAllBytes(a.resolve(DiffusionModel.WEIGHTS)));
    }

    @Test
    void shouldLowerTheLossOnASmallSet(@TempDir Path out) {
        Recorder recorder = new Recorder();
        training(options(out, 40, false, Duration.ofHours(1))).run(recorder);
        double start = recorder.losses.subList(0, 8).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        double end = recorder.losses.subList(32, 40).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        assertThat(end).as("losses %s", recorder.losses).isLessThan(start * 0.8);
    }

    @Test
    void shouldCheckpointAndResumeWhereItStopped(@TempDir Path out) {
        Recorder first = new Recorder();
        training(options(out, 3, false, Duration.ZERO)).run(first);
        assertThat(first.checkpoints).containsExactly(1, 2);
        assertThat(out.resolve(Training.CHECKPOINT).resolve("progress.json")).exists();
        Recorder resumed = new Recorder();
        training(options(out, 5, true, Duration.ofHours(1))).run(resumed);
        assertThat(resumed.first).isEqualTo(3);
        assertThat(resumed.losses).hasSize(2);
        assertThat(out.resolve(DiffusionModel.DESCRIPTION)).exists();
    }

    /** The small network with attribute tokens and support-query attention, as new models have. */
    static DiffusionConfig smallWithSupport() {
        return DiffusionSegmenterTest.small().withNetwork(8, true, true);
    }

    @Test
    void shouldStopADivergingRunWithAClearMessageAndKeepTheLastGoodCheckpoint(@TempDir Path out) throws Exception {
        Recorder recorder = new Recorder();
        List<String> skipped = new ArrayList<>();
        // A learning rate no network survives: after the first update the activations overflow and the loss is NaN.
        Training.Options options = new Training.Options(data, out, DiffusionSegmenterTest.small(), 400, 4, 5, 1e30f, 0.2f, true, false,
                Device.cpu(), Duration.ZERO);
        assertThatThrownBy(() -> training(options).run(new Recorder() {
            @Override
            public void skipped(int step, String why, float newLearningRate) {
                skipped.add(step + ": " + why);
            }

            @Override
            public void checkpoint(int step, Path where) {
                recorder.checkpoints.add(step);
            }
        })).isInstanceOf(Training.DivergedException.class).hasMessageContaining("diverged");
        assertThat(skipped).as("non-finite steps skipped before giving up").hasSizeBetween(1, Training.MAX_BAD_STEPS - 1);
        assertThat(out.resolve(DiffusionModel.WEIGHTS)).as("no final model of broken weights").doesNotExist();
        if (!recorder.checkpoints.isEmpty()) {
            // Whatever checkpoint is on disk was written before the weights broke, and loads with finite weights.
            try (DiffusionModel model = DiffusionModel.load(out.resolve(Training.CHECKPOINT), Device.cpu())) {
                for (var p : model.net().getParameters()) {
                    assertThat(Float.isFinite(p.getValue().getArray().abs().sum().getFloat())).as(p.getKey()).isTrue();
                }
            }
        }
    }

    @Test
    void shouldRefuseDataWhoseClassesDifferFromTheModels(@TempDir Path other, @TempDir Path out) throws Exception {
        SynthWriter.write(other, 2, 3, "mixed", 64, 80, () -> { });
        Files.writeString(other.resolve("classes.json"), "[\"background\", \"figure\", \"halo\", \"mandorla\", \"lotus\"]");
        assertThatThrownBy(() -> training(new Training.Options(other, out, DiffusionSegmenterTest.small(), 1, 2, 1, 0.001f, 0.2f, true,
                false, Device.cpu(), Duration.ZERO)).run(new Recorder()))
                .hasMessageContaining("mandorla").hasMessageContaining("backlight").hasMessageContaining("classes.json");
    }

    @Test
    void shouldFineTuneFromAModelDeterministicallyForASeed(@TempDir Path base, @TempDir Path a, @TempDir Path b) throws Exception {
        training(options(base, 3, false, Duration.ofHours(1))).run(new Recorder());
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        training(options(a, 4, false, Duration.ofHours(1)).withInit(base.toString())).run(first);
        training(options(b, 4, false, Duration.ofHours(1)).withInit(base.toString())).run(second);
        assertThat(second.losses).hasSize(4).containsExactlyElementsOf(first.losses);
        assertThat(Files.readAllBytes(b.resolve(DiffusionModel.WEIGHTS))).isEqualTo(Files.readAllBytes(a.resolve(DiffusionModel.WEIGHTS)));
        assertThat(Files.readAllBytes(a.resolve(DiffusionModel.WEIGHTS))).isNotEqualTo(Files.readAllBytes(base.resolve(DiffusionModel.WEIGHTS)));
    }

    @Test
    void shouldTrainTheSupportAttentionWithFiniteGradients(@TempDir Path out) {
        Recorder recorder = new Recorder();
        List<String> skipped = new ArrayList<>();
        Training.Options options = new Training.Options(List.of(data), out, smallWithSupport(), 30, 4, 2, 0.003f, 0.2f, true, false,
                Device.cpu(), Duration.ofHours(1), null, 0.2f, 1.0f, true, null, false, List.of());
        training(options).run(new Recorder() {
            @Override
            public void step(int step, float loss, float learningRate) {
                recorder.losses.add(loss);
            }

            @Override
            public void skipped(int step, String why, float newLearningRate) {
                skipped.add(step + ": " + why);
            }
        });
        assertThat(skipped).isEmpty();
        assertThat(recorder.losses).hasSize(30).allMatch(Float::isFinite);
    }

    @Test
    void shouldRefuseAnOddBatchAndAFolderWithoutMasks(@TempDir Path empty) throws Exception {
        assertThatThrownBy(() -> new Training.Options(data, empty, DiffusionSegmenterTest.small(), 1, 3, 1, 0.001f, 0.2f, true, false,
                Device.cpu(), Duration.ZERO)).hasMessageContaining("even");
        Files.createDirectories(empty.resolve("images"));
        assertThatThrownBy(() -> training(new Training.Options(empty, empty.resolve("m"), DiffusionSegmenterTest.small(), 1, 2, 1,
                0.001f, 0.2f, true, false, Device.cpu(), Duration.ZERO)).run(new Recorder()))
                .hasMessageContaining("no labelled images");
    }

    @Test
    void shouldGrowATrainedModelIntoANetworkWithSupportAttentionKeepingEveryWeightThatFits() {
        DiffusionConfig plain = DiffusionSegmenterTest.small();
        DiffusionConfig withSupport = smallWithSupport();
        try (DiffusionModel from = DiffusionModel.create(plain, Device.cpu(), 4);
                DiffusionModel grown = DiffusionModel.create(withSupport, Device.cpu(), 5)) {
            List<String> fresh = grown.transplant(from, List.of("text"));
            java.util.Map<String, float[]> source = new java.util.HashMap<>();
            for (var p : from.net().getParameters()) {
                source.put(DiffusionModel.plainName(p.getKey()), p.getValue().getArray().toFloatArray());
            }
            int copied = 0;
            for (var p : grown.net().getParameters()) {
                String name = DiffusionModel.plainName(p.getKey());
                float[] mine = p.getValue().getArray().toFloatArray();
                if (fresh.contains(name)) {
                    // Biases and norm offsets start at zero in both; a fresh random weight differs from the old one.
                    if (name.endsWith("_weight") && source.containsKey(name) && source.get(name).length == mine.length) {
                        assertThat(mine).as("%s starts fresh", name).isNotEqualTo(source.get(name));
                    }
                } else {
                    assertThat(mine).as("%s copied", name).containsExactly(source.get(name));
                    copied++;
                }
            }
            assertThat(fresh).contains("text1_weight", "support_weight", "supportMask_weight").noneMatch(n -> n.startsWith("stem"));
            assertThat(copied).isGreaterThan(60);
        }
    }
}

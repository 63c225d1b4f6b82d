package io.segline.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.segline.dataset.Painter;
import io.segline.dataset.Painting;
import io.segline.dataset.SynthWriter;
import io.segline.model.ClassProbabilities;
import io.segline.testing.TestCaptions;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The support set reaches the result through its masks: the same painting, segmented with two support
 * sets of the same paintings that differ only in how their masks name one part (the halo called
 * backlight), comes out differently, and the same support set gives the same result again. This checks
 * the wiring of support–query attention on a network with that pathway, not that a trained network follows
 * the masks: spirit-g v2 has a trained one and does not (relabelling the support's halo moves the query's halo
 * probability by 2e-6; see its model card).
 */
class SupportAttentionTest {
    private static final int HALO = 2;
    private static final int BACKLIGHT = 3;

    /** A copy of a dataset folder whose masks call every halo pixel backlight. */
    private static void relabelHaloAsBacklight(Path from, Path to) throws IOException {
        Files.createDirectories(to.resolve("masks"));
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                Files.createDirectories(target.getParent());
                if (file.getParent().getFileName().toString().equals("masks")) {
                    BufferedImage mask = ImageIO.read(file.toFile());
                    WritableRaster raster = mask.getRaster();
                    for (int y = 0; y < mask.getHeight(); y++) {
                        for (int x = 0; x < mask.getWidth(); x++) {
                            if (raster.getSample(x, y, 0) == HALO) {
                                raster.setSample(x, y, 0, BACKLIGHT);
                            }
                        }
                    }
                    ImageIO.write(mask, "png", target.toFile());
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    /** The mean probability of {@code cls} over the pixels labelled {@code truth} in the painting. */
    private static double meanOver(ClassProbabilities working, int cls, Painting painting, int truth) {
        ClassProbabilities p = working.resize(painting.image().getWidth(), painting.image().getHeight());
        double sum = 0;
        int n = 0;
        byte[] labels = painting.labels();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == truth) {
                sum += p.planes()[cls][i];
                n++;
            }
        }
        return sum / Math.max(1, n);
    }

    @Test
    void shouldChangeTheResultWithTheSupportMasksAndRepeatItForTheSameSupport(@TempDir Path support, @TempDir Path relabelled) throws Exception {
        Painter atelier = Painter.named("atelier", 256, 320);
        SynthWriter.write(support, atelier, 8, 5151, "mixed", () -> { });
        relabelHaloAsBacklight(support, relabelled);
        // The query: a painting of the same painter with a halo, none of the support paintings.
        Painting query = null;
        for (int i = 0; query == null; i++) {
            Painting p = atelier.paint(6262, i, "mixed");
            if (Boolean.TRUE.equals(p.attributes().truth().get("halo"))) {
                query = p;
            }
        }
        var caption = TestCaptions.enriched(query.caption());
        ClassProbabilities plain;
        ClassProbabilities told;
        ClassProbabilities again;
        ClassProbabilities toldOtherwise;
        DiffusionConfig shape = TrainingTest.smallWithSupport().withClasses(DiffusionConfig.THANGKA_CLASSES);
        try (DiffusionModel model = DiffusionModel.create(shape, Device.cpu(), 17);
                DiffusionSegmenter segmenter = new DiffusionSegmenter(model, "diffusion", false)) {
            plain = segmenter.segment(query.image(), caption);
            model.useSupport(SupportSet.load(support, model.config()));
            assertThat(model.supportCount()).isEqualTo(8);
            told = segmenter.segment(query.image(), caption);
            again = segmenter.segment(query.image(), caption);
            model.useSupport(SupportSet.load(relabelled, model.config()));
            toldOtherwise = segmenter.segment(query.image(), caption);
        }
        assertThat(told.planes()[HALO]).as("a support set changes the result").isNotEqualTo(plain.planes()[HALO]);
        assertThat(again.planes()[HALO]).as("the same support set, the same result").containsExactly(told.planes()[HALO]);
        assertThat(toldOtherwise.planes()[HALO]).as("support masks that name the halo otherwise change the halo's probabilities")
                .isNotEqualTo(told.planes()[HALO]);
        assertThat(meanOver(toldOtherwise, HALO, query, HALO)).isNotEqualTo(meanOver(told, HALO, query, HALO));
    }
}

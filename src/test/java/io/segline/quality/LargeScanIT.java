package io.segline.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.caption.CaptionEnricher;
import io.segline.caption.Lexicon;
import io.segline.caption.RulesEnricher;
import io.segline.dataset.ThangkaSynth;
import io.segline.model.ClassProbabilities;
import io.segline.model.Segmenter;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.records.ImageReference;
import io.segline.records.SegmentationResult;
import io.segline.refine.Refiner;
import io.segline.validate.ImageValidator;
import io.segline.validate.ValidationLimits;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 60-megapixel scan by claim check through the stages the line runs (validate, enrich, the diffusion
 * segmenter, symmetry refinement, measure at the scan's own resolution, the result serialized as the sink
 * would): the heap it needs beyond what was in use before must stay within 1 GB. The bound counts the
 * decoded scan itself (about 180 MB as 8-bit RGB) and the published label map; the growth is taken as the
 * sum of every heap pool's peak above the level after a collection, an upper bound of the real peak.
 */
@Tag("integration")
class LargeScanIT {
    private static final int WIDTH = 7_400;
    private static final int HEIGHT = 8_100;
    private static final long LIMIT = 1L << 30;

    @TempDir
    Path scans;

    @TempDir
    Path results;

    private Path writeScan() throws Exception {
        BufferedImage small = new ThangkaSynth(740, 810).generate(21, 0, "clean").image();
        BufferedImage large = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = large.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(small, 0, 0, WIDTH, HEIGHT, null);
        g.dispose();
        Path file = scans.resolve("scan-60mpx.png");
        ImageIO.write(large, "png", file.toFile());
        return file;
    }

    @Test
    void shouldSegmentRefineAndPublishASixtyMegapixelScanWithinOneGigabyteOfHeap() throws Exception {
        Path scan = writeScan();
        ImageCaptured capture = ImageCaptured.newBuilder().setImageId("scan-60mpx").setLineId("line-large").setScannerId("s")
                .setCapturedAt(Instant.now()).setCaption("A seated deity with a halo on a lotus seat")
                .setImage(ImageReference.newBuilder().setUri(scan.toUri().toString()).setSizeBytes(Files.size(scan)).build())
                .setContentType("image/png").build();
        ImageValidator validator = new ImageValidator(new ValidationLimits(4 << 20, 512L << 20, 64_000_000, 20_000, List.of(scans)));
        CaptionEnricher enricher = new RulesEnricher(Lexicon.builtIn());
        Measurer measurer = new Measurer(8192, 8 << 20, null, GuidedUpsampler.defaults(), results);
        try (Segmenter segmenter = io.segline.pipeline.Segmenters.create(new Segmenter.Spec("diffusion", "spirit-g", "cpu", false))) {
            Refiner refiner = Refiner.create("symmetry", segmenter, io.segline.refine.G4SegRefiner.Settings.defaults());
            // Warm the model on a small painting so that its own allocations are not counted as the scan's.
            segmenter.segment(new ThangkaSynth(128, 160).generate(1, 0, "clean").image(), io.segline.testing.TestCaptions.enriched(""));

            long before = settledHeap();
            List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
            pools.forEach(MemoryPoolMXBean::resetPeakUsage);

            ImageValidator.Decoded decoded = validator.validate(capture);
            EnrichedCaption caption = enricher.enrich(capture);
            ClassProbabilities coarse = segmenter.segment(decoded.image(), caption);
            Refiner.Refined refined = refiner.refine(decoded.image(), coarse, caption);
            Measurer.Measured measured = measurer.measure(new Measurer.Input(capture.getImageId(), capture.getLineId(), decoded.image(),
                    refined.probabilities(), refined.summary(), caption.getBackend(), segmenter.name(), segmenter.modelName(),
                    segmenter.modelVersion(), Map.of(), null, capture.getCapturedAt()));
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            SegmentationResult.getEncoder().encode(measured.result(), record);

            long peaks = pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            long growth = peaks - before;
            System.out.printf("60 Mpx scan: heap before %d MB, sum of pool peaks %d MB, growth at most %d MB; record %d bytes, label map %s%n",
                    before >> 20, peaks >> 20, growth >> 20, record.size(),
                    measured.result().getLabelMapUri() == null ? "inline" : "claim-checked to " + measured.result().getLabelMapUri());

            SegmentationResult result = measured.result();
            assertThat(result.getWidth()).isEqualTo(WIDTH);
            assertThat(result.getHeight()).isEqualTo(HEIGHT);
            assertThat(result.getClasses().get(1).getAreaFraction()).as("a figure was found").isGreaterThan(0.01);
            assertThat((long) record.size()).isLessThanOrEqualTo(8 << 20);
            assertThat(growth).as("peak heap growth in bytes").isLessThanOrEqualTo(LIMIT);
        }
    }

    private static long settledHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

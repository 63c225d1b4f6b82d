package io.segline.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.dataset.ThangkaSynth;
import io.segline.model.ClassProbabilities;
import io.segline.model.BaselineSegmenter;
import io.segline.records.SegmentationResult;
import io.segline.testing.TestCaptions;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasurerTest {
    private static final BufferedImage PAINTING = new ThangkaSynth(600, 750).generate(5, 0, "clean").image();
    private static final ClassProbabilities COARSE = new BaselineSegmenter().segment(PAINTING, TestCaptions.enriched(""));

    private static Measurer.Input input() {
        return new Measurer.Input("large-1", "line-1", PAINTING, COARSE, null, "rules", "baseline", "baseline", "1", Map.of(), null,
                Instant.now());
    }

    @Test
    void shouldPublishTheLabelMapAtTheScansOwnResolutionByDefault() {
        SegmentationResult result = new Measurer(8192, 8 << 20, null).measure(input()).result();
        assertThat(result.getWidth()).isEqualTo(600);
        assertThat(result.getHeight()).isEqualTo(750);
        int[] size = new int[2];
        MaskEncoding.readLabelMap(io.segline.serde.ByteBuffers.toArray(result.getLabelMapPng()), size);
        assertThat(size).containsExactly(600, 750);
        assertThat(result.getClasses().get(1).getRle().getSize()).containsExactly(750, 600);
        assertThat(result.getLabelMapUri()).isNull();
    }

    @Test
    void shouldClaimCheckAResultTooLargeForARecordAndKeepEveryPixel(@TempDir Path folder) throws Exception {
        Measurer inline = new Measurer(8192, 8 << 20, null);
        SegmentationResult whole = inline.measure(input()).result();
        int[] size = new int[2];
        byte[] expected = MaskEncoding.readLabelMap(io.segline.serde.ByteBuffers.toArray(whole.getLabelMapPng()), size);

        Measurer small = new Measurer(8192, 4_000, null, GuidedUpsampler.defaults(), folder);
        SegmentationResult checked = small.measure(input()).result();
        assertThat(checked.getLabelMapPng().remaining()).isZero();
        assertThat(checked.getLabelMapUri()).startsWith("file:");
        byte[] png = Files.readAllBytes(Path.of(URI.create(checked.getLabelMapUri())));
        assertThat(MaskEncoding.readLabelMap(png, size)).isEqualTo(expected);
        assertThat(Path.of(URI.create(checked.getLabelMapUri())).getFileName().toString()).isEqualTo(ResultClaimCheck.sha256(png) + ".png");

        JsonNode rle = new ObjectMapper().readTree(Path.of(URI.create(checked.getRleUri())).toFile());
        assertThat(rle.get("size").get(0).asInt()).isEqualTo(750);
        for (var mask : whole.getClasses()) {
            List<Integer> counts = new ArrayList<>();
            rle.get("counts").get(mask.getClassName()).forEach(n -> counts.add(n.asInt()));
            assertThat(counts).as("RLE of %s", mask.getClassName()).isEqualTo(mask.getRle().getCounts());
            assertThat(checked.getClasses().get(mask.getClassIndex()).getRle().getCounts()).isEmpty();
            assertThat(checked.getClasses().get(mask.getClassIndex()).getAreaFraction()).isEqualTo(mask.getAreaFraction());
        }
        // Written again (a retried transaction), the same files come back.
        SegmentationResult again = small.measure(input()).result();
        assertThat(again.getLabelMapUri()).isEqualTo(checked.getLabelMapUri());
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".png") || n.endsWith(".rle.json")).hasSize(2);
        }
    }

    @Test
    void shouldRefuseAResultTooLargeWhenNoClaimCheckFolderIsSet() {
        assertThatThrownBy(() -> new Measurer(8192, 4_000, null).measure(input()))
                .isInstanceOf(ResultTooLargeException.class)
                .hasMessageContaining("segline.output.claim.check.dir");
    }

    @Test
    void shouldKeepEveryClassRleConsistentWithTheLabelMap() {
        SegmentationResult result = new Measurer(300, 8 << 20, null).measure(input()).result();
        int[] size = new int[2];
        byte[] labels = MaskEncoding.readLabelMap(io.segline.serde.ByteBuffers.toArray(result.getLabelMapPng()), size);
        assertThat(size).containsExactly(240, 300);
        for (var mask : result.getClasses()) {
            assertThat(mask.getRle().getCounts()).isEqualTo(MaskEncoding.cocoRle(labels, size[0], size[1], mask.getClassIndex()));
        }
    }
}

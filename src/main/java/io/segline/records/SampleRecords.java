package io.segline.records;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.avro.specific.SpecificRecord;

/**
 * One plausible, fully populated record of every type on segline's topics, with the default topic
 * each travels on. For the demo's round trip through a registry and for tests; the values are
 * examples, not the output of any stage.
 */
public final class SampleRecords {
    /** A record and the topic it is written to. */
    public record Sample(String topic, SpecificRecord record) {
    }

    private static final Instant AT = Instant.parse("2026-01-15T09:30:00Z");
    private static final List<String> CLASSES = List.of("background", "figure", "halo", "backlight", "lotus");

    private SampleRecords() {
    }

    public static List<Sample> all() {
        return List.of(
                new Sample("segline.images.v1", imageCaptured()),
                new Sample("segline.captions.v1", enrichedCaption()),
                new Sample("segline.masks.v1", segmentationResult()),
                new Sample("segline.quality.v1", qualityReport()),
                new Sample("segline.line-health.v1", lineHealth()),
                new Sample("segline.alerts.v1", alert()),
                new Sample("segline.dlq.v1", deadLetter()));
    }

    public static ImageCaptured imageCaptured() {
        return ImageCaptured.newBuilder()
                .setImageId("thangka-0001")
                .setLineId("line-a")
                .setScannerId("phaseone-iq4-01")
                .setCapturedAt(AT)
                .setCaption("A Karma Gadri thangka of green Tara seated on a lotus, with a halo and a flaming aureole.")
                .setImage(InlineImage.newBuilder().setData(ByteBuffer.wrap(png(48, 64))).build())
                .setContentType("image/png")
                .setGroundTruthMask(ByteBuffer.wrap(png(48, 64)))
                .setMetadata(Map.of("collection", "demo", "accession", "1999.12.3"))
                .build();
    }

    public static EnrichedCaption enrichedCaption() {
        return EnrichedCaption.newBuilder()
                .setImageId("thangka-0001")
                .setLineId("line-a")
                .setOriginal(imageCaptured().getCaption())
                .setRewrite("Green Tara seated on a lotus, with a halo and flaming aureole.")
                .setAttributes(CaptionAttributes.newBuilder()
                        .setSingleFigure(Tristate.YES).setLotusSeat(Tristate.YES).setHalo(Tristate.YES)
                        .setBacklight(Tristate.YES).setFlames(Tristate.YES).setArmCount(2)
                        .setBodyColor("green").setSchool("Karma Gadri").build())
                .setTemplates(List.of("The figure sits on a lotus seat.", "There is a halo.", "There are flames."))
                .setFinalText("Green Tara seated on a lotus, with a halo and flaming aureole. The figure sits on a lotus seat.")
                .setBackend("rules")
                .setEnrichedAt(AT.plusMillis(12))
                .build();
    }

    public static SegmentationResult segmentationResult() {
        return SegmentationResult.newBuilder()
                .setImageId("thangka-0001")
                .setLineId("line-a")
                .setClassNames(CLASSES)
                .setWidth(48)
                .setHeight(64)
                .setLabelMapPng(ByteBuffer.wrap(png(48, 64)))
                .setClasses(List.of(ClassMask.newBuilder()
                        .setClassIndex(1).setClassName("figure")
                        .setRle(CocoRle.newBuilder().setSize(List.of(64, 48)).setCounts(List.of(1000, 500, 1572)).build())
                        .setAreaFraction(500.0 / 3072).setMeanConfidence(0.91).build()))
                .setMeanConfidence(0.88)
                .setRefinement(RefinementSummary.newBuilder().setMethods(List.of("g4seg", "symmetry"))
                        .setChangedPixelFraction(0.031).setUncertainPixelFraction(0.12).setSymmetryAxisX(0.502).build())
                .setSegmenter("baseline")
                .setModelName("sample")
                .setModelVersion("0")
                .setStageMillis(Map.of("validate", 1.5, "segment", 120.0))
                .setProducedAt(AT.plusMillis(300))
                .build();
    }

    public static QualityReport qualityReport() {
        return QualityReport.newBuilder()
                .setImageId("thangka-0001")
                .setLineId("line-a")
                .setVerdict(Verdict.WARN)
                .setReasons(List.of("sharpness 2 stars below the line's 3-star profile"))
                .setSegmentationConfidence(0.88)
                .setSymmetryScore(0.93)
                .setRefinementDelta(0.031)
                .setCaptureQc(CaptureQc.newBuilder().setSharpness(0.42).setNoise(1.8).setShadowClipping(0.001)
                        .setHighlightClipping(0.0).setMeanLuminance(54.2).setColourCastDeltaE(2.1)
                        .setStars(Map.of("sharpness", 2, "noise", 4)).build())
                .setGroundTruth(GroundTruthMetrics.newBuilder().setMIoU(0.71).setDice(0.8).setMAcc(0.83).setPixAcc(0.9)
                        .setPerClassIoU(Map.of("figure", 0.75)).build())
                .setMeasuredAt(AT.plusMillis(310))
                .build();
    }

    public static LineHealth lineHealth() {
        return LineHealth.newBuilder()
                .setLineId("line-a")
                .setWindowStart(AT)
                .setWindowEnd(AT.plusSeconds(60))
                .setImages(42).setResults(41).setDeadLetters(1)
                .setLatencyP50Ms(310.0).setLatencyP95Ms(650.0).setLatencyP99Ms(900.0)
                .setVerdictCounts(Map.of("PASS", 38L, "WARN", 3L))
                .setMeanConfidence(0.87)
                .setClassAreaFractions(Map.of("figure", 0.21, "lotus", 0.07))
                .setCaptureQcMeans(Map.of("sharpness", 0.5))
                .build();
    }

    public static Alert alert() {
        return Alert.newBuilder()
                .setAlertId("line-a/sharpness-drift/1")
                .setLineId("line-a")
                .setRule("sharpness-drift")
                .setSeverity(Severity.WARNING)
                .setState(AlertState.RAISED)
                .setAt(AT.plusSeconds(120))
                .setMessage("Sharpness on line-a fell 4.2 robust SDs below its trailing baseline: check the focus.")
                .setEvidence(Map.of("observed", "0.21", "baseline", "0.48", "k", "3"))
                .build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setOriginalKey(ByteBuffer.wrap("thangka-0002".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .setOriginalValue(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setSourceTopic("segline.images.v1")
                .setSourcePartition(0)
                .setSourceOffset(17)
                .setImageId(null)
                .setStage("deserialize")
                .setErrorClass("io.segline.serde.AvroWireFormatException$UnknownMagicByteException")
                .setMessage("Record starts with byte 0x01, not the Confluent magic byte 0x00")
                .setFailedAt(AT.plusSeconds(1))
                .build();
    }

    /** A small PNG: a disc on a plain ground, enough to be a valid image. */
    static byte[] png(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.DARK_GRAY);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.segline.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.config.SeglineConfig;
import io.segline.dataset.ThangkaSynth;
import io.segline.line.StreamsRunner;
import io.segline.records.Alert;
import io.segline.records.AlertState;
import io.segline.records.ImageCaptured;
import io.segline.records.InlineImage;
import io.segline.records.LineHealth;
import io.segline.serde.MockSchemaRegistry;
import io.segline.streams.SeglineTopology;
import io.segline.testing.TestImages;
import io.segline.topics.Topics;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Line health and alerts on TopologyTestDriver, with simulated time: captures every 10 s, 1-minute windows. */
class MonitorTopologyTest {
    private static final String SCOPE = "monitor-test";
    private static final Instant START = Instant.parse("2026-05-01T08:00:00Z");
    private static final int PER_WINDOW = 6;

    private TopologyTestDriver driver;
    private TestInputTopic<String, ImageCaptured> images;
    private TestInputTopic<String, byte[]> rawImages;
    private TestOutputTopic<String, LineHealth> health;
    private TestOutputTopic<String, Alert> alerts;
    private Topics topics;
    private final List<byte[]> paintings = new ArrayList<>();
    private Instant clock = START;
    private int sequence;

    @BeforeEach
    void start() {
        start(Map.of());
    }

    private void start(Map<String, String> extra) {
        if (driver != null) {
            driver.close();
        }
        Map<String, String> values = new LinkedHashMap<>(Map.of(
                "schema.registry.url", "mock://" + SCOPE,
                "bootstrap.servers", "unused:9092",
                SeglineConfig.Keys.HEALTH_WINDOW_MS, "60000",
                SeglineConfig.Keys.HEALTH_GRACE_MS, "5000",
                SeglineConfig.Keys.ALERT_SILENCE_MINUTES, "5",
                SeglineConfig.Keys.ALERT_CHECK_INTERVAL_MS, "30000"));
        // Monitoring does not depend on how masks are made; the classical segmenter keeps hundreds of captures fast.
        values.put(SeglineConfig.Keys.SEGMENTER, "baseline");
        values.putAll(extra);
        SeglineConfig config = SeglineConfig.of(values);
        topics = Topics.from(config);
        Properties props = StreamsRunner.streamsProperties(config);
        // As in SeglineTopologyTest: the driver drops dead letters of the deserialization handler under EOS.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        driver = new TopologyTestDriver(io.segline.line.LineTopology.build(topics, config), props, START);
        images = driver.createInputTopic(topics.images().name(), new StringSerializer(), topics.images().valueSerde().serializer());
        rawImages = driver.createInputTopic(topics.images().name(), new StringSerializer(), new ByteArraySerializer());
        health = driver.createOutputTopic(topics.lineHealth().name(), topics.lineHealth().keySerde().deserializer(),
                topics.lineHealth().valueSerde().deserializer());
        alerts = driver.createOutputTopic(topics.alerts().name(), topics.alerts().keySerde().deserializer(),
                topics.alerts().valueSerde().deserializer());
        ThangkaSynth synth = new ThangkaSynth(120, 160);
        paintings.clear();
        for (int i = 0; i < 12; i++) {
            paintings.add(TestImages.encode(synth.generate(8, i, "clean").image(), "png"));
        }
    }

    @AfterEach
    void stop() {
        driver.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    /** One minute of captures on a line, each image passed through {@code change}. */
    private void minute(String line, UnaryOperator<BufferedImage> change) {
        for (int i = 0; i < PER_WINDOW; i++) {
            byte[] png = paintings.get(sequence % paintings.size());
            BufferedImage image = change.apply(decode(png));
            String id = line + "-" + sequence++;
            ImageCaptured capture = ImageCaptured.newBuilder(TestImages.inline(id, TestImages.encode(image, "png"), "A deity."))
                    .setLineId(line).setCapturedAt(Instant.now()).build();
            images.pipeInput(id, capture, clock);
            clock = clock.plusSeconds(60 / PER_WINDOW);
        }
    }

    private void minutesOfBadInput(String line, int bad) {
        for (int i = 0; i < PER_WINDOW; i++) {
            String id = line + "-" + sequence++;
            if (i < bad) {
                // Decodes as a capture (so the line is known) but the image is text: a dead letter from validation.
                images.pipeInput(id, ImageCaptured.newBuilder(TestImages.inline(id, TestImages.text(), "c")).setLineId(line).build(), clock);
            } else {
                images.pipeInput(id, ImageCaptured.newBuilder(TestImages.inline(id, paintings.get(i), "c")).setLineId(line)
                        .setCapturedAt(Instant.now()).build(), clock);
            }
            clock = clock.plusSeconds(60 / PER_WINDOW);
        }
    }

    private static BufferedImage decode(byte[] png) {
        try {
            return javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static BufferedImage blurred(BufferedImage image) {
        float[] box = new float[49];
        java.util.Arrays.fill(box, 1f / 49);
        return new ConvolveOp(new Kernel(7, 7, box), ConvolveOp.EDGE_NO_OP, null).filter(image, null);
    }

    private static BufferedImage overExposed(BufferedImage image) {
        return map(image, (r, g, b) -> new int[] {Math.min(255, r * 2 + 40), Math.min(255, g * 2 + 40), Math.min(255, b * 2 + 40)});
    }

    private static BufferedImage colourCast(BufferedImage image) {
        return map(image, (r, g, b) -> new int[] {(int) (r * 0.7), (int) (g * 0.85), Math.min(255, b + 90)});
    }

    private interface Pixel {
        int[] apply(int r, int g, int b);
    }

    private static BufferedImage map(BufferedImage image, Pixel pixel) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int[] v = pixel.apply((p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff);
                out.setRGB(x, y, (v[0] << 16) | (v[1] << 8) | v[2]);
            }
        }
        return out;
    }

    private Map<String, List<AlertState>> alertsByRule() {
        Map<String, List<AlertState>> out = new LinkedHashMap<>();
        for (Alert alert : alerts.readValuesToList()) {
            out.computeIfAbsent(alert.getRule(), r -> new ArrayList<>()).add(alert.getState());
        }
        return out;
    }

    private void steady(String line, int minutes) {
        for (int m = 0; m < minutes; m++) {
            minute(line, UnaryOperator.identity());
        }
    }

    @Test
    void shouldRaiseNoAlertOnASteadyLineOverAnHour() {
        steady("line-a", 61);
        List<LineHealth> windows = health.readValuesToList();
        assertThat(windows).hasSizeGreaterThanOrEqualTo(59);
        LineHealth first = windows.get(0);
        assertThat(first.getLineId()).isEqualTo("line-a");
        assertThat(first.getImages()).isEqualTo(PER_WINDOW);
        assertThat(first.getResults()).isEqualTo(PER_WINDOW);
        assertThat(first.getDeadLetters()).isZero();
        assertThat(first.getLatencyP95Ms()).isNotNull();
        assertThat(first.getCaptureQcMeans()).containsKeys("sharpness", "noise", "colourCastDeltaE");
        assertThat(first.getClassAreaFractions()).containsKeys("figure", "lotus");
        assertThat(first.getWindowEnd()).isEqualTo(first.getWindowStart().plus(Duration.ofMinutes(1)));
        assertThat(alerts.readValuesToList()).isEmpty();
    }

    @Test
    void shouldRaiseAndClearASharpnessDriftWhenCapturesBlur() {
        steady("line-a", 6);
        alerts.readValuesToList();
        minute("line-a", MonitorTopologyTest::blurred);
        minute("line-a", MonitorTopologyTest::blurred);
        steady("line-a", 1);
        assertThat(alertsByRule()).containsEntry("sharpness-drift", List.of(AlertState.RAISED));
        steady("line-a", 3);
        assertThat(alertsByRule().get("sharpness-drift")).containsExactly(AlertState.CLEARED);
    }

    @Test
    void shouldRaiseAndClearAnOverExposureDrift() {
        steady("line-a", 6);
        alerts.readValuesToList();
        minute("line-a", MonitorTopologyTest::overExposed);
        minute("line-a", MonitorTopologyTest::overExposed);
        steady("line-a", 1);
        assertThat(alertsByRule()).containsEntry("over-exposure-drift", List.of(AlertState.RAISED));
        steady("line-a", 3);
        assertThat(alertsByRule().get("over-exposure-drift")).containsExactly(AlertState.CLEARED);
    }

    @Test
    void shouldRaiseAndClearAColourCastDrift() {
        steady("line-a", 6);
        alerts.readValuesToList();
        minute("line-a", MonitorTopologyTest::colourCast);
        minute("line-a", MonitorTopologyTest::colourCast);
        steady("line-a", 1);
        assertThat(alertsByRule()).containsEntry("colour-cast-drift", List.of(AlertState.RAISED));
        steady("line-a", 3);
        assertThat(alertsByRule().get("colour-cast-drift")).containsExactly(AlertState.CLEARED);
    }

    @Test
    void shouldRaiseADeadLetterSpike() {
        steady("line-a", 3);
        alerts.readValuesToList();
        minutesOfBadInput("line-a", 4);
        steady("line-a", 2);
        Map<String, List<AlertState>> raised = alertsByRule();
        assertThat(raised.get("dead-letter-rate")).containsExactly(AlertState.RAISED, AlertState.CLEARED);
        List<LineHealth> windows = health.readValuesToList();
        assertThat(windows.stream().mapToLong(LineHealth::getDeadLetters).sum()).isEqualTo(4);
    }

    @Test
    void shouldSendLowConfidenceResultsForReview() {
        // Every result counts as low-confidence below 1.01; none is drawn at random.
        start(Map.of(SeglineConfig.Keys.REVIEW_CONFIDENCE_BELOW, "1.01", SeglineConfig.Keys.REVIEW_SAMPLE_RATE, "0"));
        var review = driver.createOutputTopic(topics.review().name(), topics.review().keySerde().deserializer(),
                topics.review().valueSerde().deserializer());
        steady("line-a", 1);
        var requests = review.readValuesToList();
        assertThat(requests).hasSize(PER_WINDOW);
        assertThat(requests).allSatisfy(r -> assertThat(r.getReasons()).singleElement().asString().startsWith("low-confidence"));
        start(Map.of(SeglineConfig.Keys.REVIEW_CONFIDENCE_BELOW, "0", SeglineConfig.Keys.REVIEW_SAMPLE_RATE, "0"));
        var none = driver.createOutputTopic(topics.review().name(), topics.review().keySerde().deserializer(),
                topics.review().valueSerde().deserializer());
        steady("line-a", 1);
        assertThat(none.readValuesToList()).isEmpty();
    }

    @Test
    void shouldRaiseASilentLineAndClearItWhenCapturesResume() {
        steady("line-a", 3);
        alerts.readValuesToList();
        driver.advanceWallClockTime(Duration.ofMinutes(6));
        assertThat(alertsByRule()).containsEntry("silent-line", List.of(AlertState.RAISED));
        steady("line-a", 3);
        assertThat(alertsByRule().get("silent-line")).containsExactly(AlertState.CLEARED);
    }
}

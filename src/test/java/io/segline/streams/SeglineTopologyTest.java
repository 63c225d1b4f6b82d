package io.segline.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.caption.CaptionEnricher;
import io.segline.config.SeglineConfig;
import io.segline.line.StreamsRunner;
import io.segline.model.Segmenter;
import io.segline.quality.MaskEncoding;
import io.segline.quality.Measurer;
import io.segline.records.Alert;
import io.segline.records.ClassMask;
import io.segline.records.DeadLetter;
import io.segline.records.ImageCaptured;
import io.segline.records.QualityReport;
import io.segline.records.SampleRecords;
import io.segline.records.SegmentationResult;
import io.segline.refine.Refiner;
import io.segline.serde.AvroSerializer;
import io.segline.serde.MockSchemaRegistry;
import io.segline.serde.RegistryConfig;
import io.segline.streams.SeglineTopology.Stages;
import io.segline.testing.TestImages;
import io.segline.topics.Topics;
import io.segline.validate.ImageValidator;
import io.segline.validate.ValidationLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole topology on TopologyTestDriver with the in-memory registry: every stage and every branch. */
class SeglineTopologyTest {
    private static final String SCOPE = "topology-test";

    @TempDir
    Path roots;

    private TopologyTestDriver driver;
    private Topics topics;
    private TestInputTopic<String, ImageCaptured> images;
    private TestInputTopic<String, byte[]> rawImages;
    private TestOutputTopic<String, SegmentationResult> masks;
    private TestOutputTopic<String, QualityReport> quality;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;

    private SeglineConfig config(Map<String, String> extra) {
        Map<String, String> values = new LinkedHashMap<>(Map.of(
                "schema.registry.url", "mock://" + SCOPE,
                "bootstrap.servers", "unused:9092",
                SeglineConfig.Keys.CLAIM_CHECK_ROOTS, roots.resolve("allowed").toString()));
        values.putAll(extra);
        return SeglineConfig.of(values);
    }

    private void start(SeglineConfig config, Function<Stages, Stages> adjust) {
        topics = Topics.from(config);
        Topology topology = io.segline.line.LineTopology.build(topics, adjust.apply(Stages.from(config)), io.segline.monitor.MonitorTopology.Settings.from(config));
        java.util.Properties props = StreamsRunner.streamsProperties(config);
        // TopologyTestDriver under exactly_once_v2 drops the dead letters that the deserialization handler
        // sends (its transaction is never committed by the driver); a real StreamTask commits them (the
        // skipped record becomes a CorruptedRecord whose offset is committed). Exactly-once is tested
        // against a real broker in the *IT tests; here the routing logic is what is under test.
        props.put(org.apache.kafka.streams.StreamsConfig.PROCESSING_GUARANTEE_CONFIG, org.apache.kafka.streams.StreamsConfig.AT_LEAST_ONCE);
        driver = new TopologyTestDriver(topology, props);
        images = driver.createInputTopic(topics.images().name(), new StringSerializer(), topics.images().valueSerde().serializer());
        rawImages = driver.createInputTopic(topics.images().name(), new StringSerializer(), new ByteArraySerializer());
        masks = driver.createOutputTopic(topics.masks().name(), topics.masks().keySerde().deserializer(),
                topics.masks().valueSerde().deserializer());
        quality = driver.createOutputTopic(topics.quality().name(), topics.quality().keySerde().deserializer(),
                topics.quality().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters().name(), topics.deadLetters().keySerde().deserializer(),
                topics.deadLetters().valueSerde().deserializer());
    }

    private void start(Map<String, String> extra) {
        start(config(extra), Function.identity());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldTurnOneGoodCaptureIntoOneMaskAndOneQualityReport() {
        start(Map.of());
        images.pipeInput("img-1", TestImages.inline("img-1", TestImages.png(1), "A green deity on a lotus."));

        TestRecord<String, SegmentationResult> mask = masks.readRecord();
        assertThat(masks.isEmpty()).isTrue();
        assertThat(mask.key()).isEqualTo("img-1");
        SegmentationResult result = mask.value();
        assertThat(result.getClassNames()).containsExactly("background", "figure", "halo", "backlight", "lotus");
        assertThat(result.getSegmenter()).isEqualTo("diffusion");
        assertThat(result.getModelName()).isEqualTo(io.segline.model.diffusion.Models.DEFAULT);
        assertThat(result.getCaptionEnrichment()).isEqualTo("rules");
        assertThat(result.getRefinement().getMethods()).as("the default refiner").containsExactly("symmetry");
        assertThat(result.getStageMillis()).containsKeys("validate", "enrich", "segment", "refine");
        assertThat(result.getWidth()).isEqualTo(120);
        assertThat(result.getHeight()).isEqualTo(160);

        int[] size = new int[2];
        byte[] labels = MaskEncoding.readLabelMap(bytes(result.getLabelMapPng()), size);
        assertThat(size).containsExactly(120, 160);
        double areaSum = 0;
        for (ClassMask cls : result.getClasses()) {
            boolean[] decoded = MaskEncoding.decodeRle(cls.getRle().getCounts(), 120, 160);
            for (int i = 0; i < labels.length; i++) {
                assertThat(decoded[i]).isEqualTo(labels[i] == cls.getClassIndex());
            }
            areaSum += cls.getAreaFraction();
        }
        assertThat(areaSum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(result.getClasses().get(1).getAreaFraction()).as("figure area").isPositive();

        QualityReport report = quality.readValue();
        assertThat(quality.isEmpty()).isTrue();
        assertThat(report.getImageId()).isEqualTo("img-1");
        assertThat(report.getSegmentationConfidence()).isEqualTo(result.getMeanConfidence());
        assertThat(report.getRefinementDelta()).isEqualTo(result.getRefinement().getChangedPixelFraction());
        assertThat(report.getCaptureQc()).isNotNull();
        assertThat(report.getCaptureQc().getStars()).containsKeys("sharpness", "noise", "colourCastDeltaE");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldRecordWhichCaptionEnrichmentRan() {
        start(Map.of(SeglineConfig.Keys.ENRICHMENT, "none"));
        images.pipeInput("n", TestImages.inline("n", TestImages.png(1), "Green Tara on a lotus."));
        assertThat(masks.readValue().getCaptionEnrichment()).isEqualTo("none");
    }

    @Test
    void shouldDecodeJpegAndTiffAsWellAsPng() {
        start(Map.of());
        images.pipeInput("j", TestImages.inline("j", TestImages.jpeg(2), "jpeg"));
        images.pipeInput("t", TestImages.inline("t", TestImages.tiff(3), "tiff"));
        assertThat(deadLetters.readValuesToList()).extracting(DeadLetter::getMessage).isEmpty();
        assertThat(masks.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("j", "t");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldReadClaimChecksUnderAnAllowedRoot() throws Exception {
        Path allowed = Files.createDirectories(roots.resolve("allowed"));
        Path scan = Files.write(allowed.resolve("scan-1.png"), TestImages.png(4));
        start(Map.of());
        images.pipeInput("scan-1", TestImages.claimCheck("scan-1", scan.toUri().toString()));
        assertThat(masks.readValue().getImageId()).isEqualTo("scan-1");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldKeyOutputsByImageIdWhateverTheInputKey() {
        start(Map.of());
        images.pipeInput("some-other-key", TestImages.inline("img-7", TestImages.png(7), "caption"));
        assertThat(masks.readRecord().key()).isEqualTo("img-7");
        assertThat(quality.readRecord().key()).isEqualTo("img-7");
    }

    @Test
    void shouldDeadLetterEveryKindOfBadInputOnceAndKeepProcessingGoodOnes() throws Exception {
        Path allowed = Files.createDirectories(roots.resolve("allowed"));
        Path outside = Files.write(roots.resolve("outside.png"), TestImages.png(9));
        start(Map.of());
        SeglineConfig config = config(Map.of());
        AvroSerializer<Alert> foreign = new AvroSerializer<>(MockSchemaRegistry.forScope(SCOPE),
                RegistryConfig.fromMap(config.clientProperties()), false);

        Map<String, String> expectedReasons = new LinkedHashMap<>();
        List<String> good = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < 12; i++) {
            String id = "good-" + i;
            good.add(id);
        }
        images.pipeInput(good.get(n), TestImages.inline(good.get(n++), TestImages.png(10), "ok"));
        images.pipeInput("truncated", TestImages.inline("truncated", TestImages.truncatedPng(11), "c"));
        expectedReasons.put("truncated", "[corrupt-image]");
        images.pipeInput(good.get(n), TestImages.inline(good.get(n++), TestImages.png(12), "ok"));
        images.pipeInput("zero", TestImages.inline("zero", new byte[0], "c"));
        expectedReasons.put("zero", "[empty-image]");
        images.pipeInput("text", TestImages.inline("text", TestImages.text(), "c"));
        expectedReasons.put("text", "[unsupported-format] The image is not PNG, JPEG or TIFF (it starts with text");
        images.pipeInput(good.get(n), TestImages.inline(good.get(n++), TestImages.jpeg(13), "ok"));
        images.pipeInput("bomb", TestImages.inline("bomb", TestImages.pngClaiming(30000, 30000), "c"));
        expectedReasons.put("bomb", "[pixel-limit] The png header says 30000x30000 = 900000000 pixels");
        images.pipeInput("gif", TestImages.inline("gif", TestImages.gif(14), "c"));
        expectedReasons.put("gif", "[unsupported-format]");
        images.pipeInput(good.get(n), TestImages.inline(good.get(n++), TestImages.png(15), "ok"));
        images.pipeInput("long-caption", TestImages.inline("long-caption", TestImages.png(16), "x".repeat(1_000_000)));
        expectedReasons.put("long-caption", "[caption-too-long] The caption has 1000000 characters");
        // Written under its own topic's subject, then copied onto the images topic by mistake.
        rawImages.pipeInput("foreign", foreign.serialize("segline.alerts.v1", SampleRecords.alert()));
        expectedReasons.put("foreign", "cannot be read as io.segline.records.ImageCaptured");
        images.pipeInput(good.get(n), TestImages.inline(good.get(n++), TestImages.tiff(17), "ok"));
        images.pipeInput("missing", TestImages.claimCheck("missing", allowed.resolve("nope.tif").toUri().toString()));
        expectedReasons.put("missing", "[claim-check-missing]");
        images.pipeInput("outside", TestImages.claimCheck("outside", outside.toUri().toString()));
        expectedReasons.put("outside", "[claim-check-outside-roots]");
        images.pipeInput("traversal", TestImages.claimCheck("traversal",
                "file://" + allowed.toAbsolutePath() + "/../outside.png"));
        expectedReasons.put("traversal", "[claim-check-outside-roots]");
        rawImages.pipeInput("not-avro", "{\"imageId\":\"not-avro\"}".getBytes(StandardCharsets.UTF_8));
        expectedReasons.put("not-avro", "not the Confluent wire-format magic byte");
        rawImages.pipeInput("tombstone", (byte[]) null);
        expectedReasons.put("tombstone", "[empty-record]");
        images.pipeInput(good.get(n), TestImages.inline(good.get(n++), TestImages.png(18), "ok"));

        Map<String, DeadLetter> letters = deadLetters.readKeyValuesToList().stream()
                .collect(Collectors.toMap(kv -> new String(kv.key, StandardCharsets.UTF_8), kv -> kv.value,
                        (a, b) -> { throw new AssertionError("two dead letters for one record: " + a + " / " + b); },
                        LinkedHashMap::new));
        assertThat(letters.keySet()).containsExactlyElementsOf(expectedReasons.keySet());
        expectedReasons.forEach((id, reason) -> assertThat(letters.get(id).getMessage()).as(id).contains(reason));
        assertThat(letters.get("foreign").getStage()).isEqualTo("deserialize");
        assertThat(letters.get("not-avro").getStage()).isEqualTo("deserialize");
        assertThat(letters.get("bomb").getStage()).isEqualTo("validate");
        assertThat(letters.get("bomb").getErrorClass()).isEqualTo("io.segline.validate.ValidationException");
        assertThat(letters.get("not-avro").getErrorClass()).endsWith("UnknownMagicByteException");
        assertThat(bytes(letters.get("not-avro").getOriginalValue())).isEqualTo("{\"imageId\":\"not-avro\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(letters.get("tombstone").getOriginalValue()).isNull();
        assertThat(letters.get("bomb").getSourceTopic()).isEqualTo(topics.images().name());
        assertThat(letters.values()).extracting(DeadLetter::getSourceOffset).doesNotHaveDuplicates();

        List<String> goodIds = good.subList(0, n);
        assertThat(masks.readKeyValuesToList()).extracting(kv -> kv.key).containsExactlyElementsOf(goodIds);
        assertThat(quality.readKeyValuesToList()).extracting(kv -> kv.key).containsExactlyElementsOf(goodIds);
    }

    @Test
    void shouldDeadLetterARecordWhoseStageThrowsAndGoOn() {
        Segmenter failing = poisonSensitive();
        start(config(Map.of()), stages -> new Stages(stages.validator(), stages.enricher(), () -> failing,
                stages.refiner(), stages.measurer(), stages.batchSize(), stages.batchLinger(), stages.batchOverlap()));
        images.pipeInput("a", TestImages.inline("a", TestImages.png(1), "fine"));
        images.pipeInput("b", TestImages.inline("b", TestImages.png(2), "poison"));
        images.pipeInput("c", TestImages.inline("c", TestImages.png(3), "fine"));

        DeadLetter letter = deadLetters.readValue();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(letter.getStage()).isEqualTo("segment");
        assertThat(letter.getImageId()).isEqualTo("b");
        assertThat(letter.getErrorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(letter.getMessage()).contains("Stage 'segment' failed").contains("model produced NaN");
        assertThat(letter.getOriginalValue()).isNotNull();
        assertThat(masks.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("a", "c");
    }

    @Test
    void shouldDeadLetterAResultTooLargeToPublish() throws Exception {
        start(Map.of(SeglineConfig.Keys.MAX_RECORD_BYTES, "2000"));
        // The capture fits the limit (one flat colour compresses to a few hundred bytes); its result does not.
        ImageCaptured capture = TestImages.inline("big", TestImages.flatPng(120, 160), "caption");
        assertThat(capture.toByteBuffer().remaining()).isLessThan(2000);
        images.pipeInput("big", capture);
        DeadLetter letter = deadLetters.readValue();
        assertThat(letter.getStage()).isEqualTo("measure");
        assertThat(letter.getErrorClass()).endsWith("ResultTooLargeException");
        assertThat(letter.getMessage()).contains("segline.max.record.bytes=2000");
        assertThat(masks.isEmpty()).isTrue();
        assertThat(quality.isEmpty()).isTrue();
    }

    @Test
    void shouldHoldRecordsUntilTheBatchIsFullOrHasLingered() {
        start(Map.of(SeglineConfig.Keys.BATCH_SIZE, "4", SeglineConfig.Keys.BATCH_LINGER_MS, "1000",
                SeglineConfig.Keys.BATCH_OVERLAP, "false"));
        for (int i = 0; i < 3; i++) {
            images.pipeInput("b" + i, TestImages.inline("b" + i, TestImages.png(i), "caption"));
        }
        assertThat(masks.isEmpty()).as("three of four: still waiting").isTrue();
        images.pipeInput("b3", TestImages.inline("b3", TestImages.png(3), "caption"));
        assertThat(masks.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("b0", "b1", "b2", "b3");
        images.pipeInput("b4", TestImages.inline("b4", TestImages.png(4), "caption"));
        images.pipeInput("b5", TestImages.inline("b5", TestImages.png(5), "caption"));
        assertThat(masks.isEmpty()).isTrue();
        driver.advanceWallClockTime(java.time.Duration.ofMillis(1500));
        assertThat(masks.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("b4", "b5");
        assertThat(quality.readKeyValuesToList()).hasSize(6);
    }

    /** The baseline, except that it throws on a caption that says "poison" (as a model that produced NaN). */
    private static Segmenter poisonSensitive() {
        return new Segmenter() {
            @Override
            public io.segline.model.ClassProbabilities segment(java.awt.image.BufferedImage image,
                    io.segline.records.EnrichedCaption caption) {
                if (caption.getOriginal().contains("poison")) {
                    throw new IllegalStateException("model produced NaN");
                }
                return new io.segline.model.BaselineSegmenter().segment(image, caption);
            }

            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public String modelName() {
                return "flaky";
            }

            @Override
            public String modelVersion() {
                return "0";
            }
        };
    }

    /** The baseline segmenter, held at the gate until the test opens it; counts the batches it was given. */
    private static final class GatedSegmenter implements Segmenter {
        final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
        final Segmenter inner = new io.segline.model.BaselineSegmenter();

        @Override
        public List<io.segline.model.ClassProbabilities> segmentBatch(List<java.awt.image.BufferedImage> images,
                List<io.segline.records.EnrichedCaption> captions) {
            try {
                if (!gate.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            batches.incrementAndGet();
            return Segmenter.super.segmentBatch(images, captions);
        }

        @Override
        public io.segline.model.ClassProbabilities segment(java.awt.image.BufferedImage image, io.segline.records.EnrichedCaption caption) {
            return inner.segment(image, caption);
        }

        @Override
        public String name() {
            return "gated";
        }

        @Override
        public String modelName() {
            return "gated";
        }

        @Override
        public String modelVersion() {
            return "0";
        }
    }

    private void startGated(GatedSegmenter gated, Map<String, String> extra) {
        start(config(extra), stages -> new Stages(stages.validator(), stages.enricher(), () -> gated, stages.refiner(),
                stages.measurer(), stages.batchSize(), stages.batchLinger(), stages.batchOverlap()));
    }

    /** Lets wall-clock time pass (punctuations run) until this many results and dead letters are out. */
    private void awaitOutputs(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (masks.getQueueSize() + deadLetters.getQueueSize() < expected && System.nanoTime() < deadline) {
            driver.advanceWallClockTime(java.time.Duration.ofMillis(25));
            Thread.sleep(5);
        }
        assertThat(masks.getQueueSize() + deadLetters.getQueueSize()).as("results and dead letters").isEqualTo(expected);
    }

    private long buffered() {
        org.apache.kafka.streams.state.KeyValueStore<String, Object> store =
                driver.getKeyValueStore(io.segline.streams.internals.BatchingProcessor.STORE);
        return store.approximateNumEntries();
    }

    /** Batches of 2 with overlap, the model held at its gate; b0 and b1 go to the model, b2 waits for the next batch. */
    private GatedSegmenter startOverlappedWithThreeCaptures() {
        GatedSegmenter gated = new GatedSegmenter();
        startGated(gated, Map.of(SeglineConfig.Keys.BATCH_SIZE, "2", SeglineConfig.Keys.BATCH_LINGER_MS, "60000",
                SeglineConfig.Keys.BATCH_OVERLAP, "true"));
        for (int i = 0; i < 3; i++) {
            images.pipeInput("b" + i, TestImages.inline("b" + i, TestImages.png(i), "caption"));
        }
        return gated;
    }

    @Test
    void shouldKeepABatchInTheStoreWhileTheModelRunsAndForwardItWhenDone() throws Exception {
        // The stream thread is free while the model holds the first batch: the next capture (b2) was taken in.
        GatedSegmenter gated = startOverlappedWithThreeCaptures();
        driver.advanceWallClockTime(java.time.Duration.ofMillis(100));
        assertThat(masks.isEmpty()).as("the batch is still with the model").isTrue();
        assertThat(buffered()).as("a batch in flight stays in the store until its results are forwarded").isEqualTo(3);

        gated.gate.countDown();
        awaitOutputs(2);
        assertThat(masks.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("b0", "b1");
        assertThat(buffered()).as("only the capture of the next batch waits").isEqualTo(1);
        assertThat(gated.batches.get()).isEqualTo(1);
    }

    @Test
    void shouldWaitForTheBatchInFlightBeforeHandingOverTheNext() throws Exception {
        GatedSegmenter gated = startOverlappedWithThreeCaptures();
        Thread opener = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            gated.gate.countDown();
        });
        opener.start();
        // The fourth capture fills the second batch: the stream thread waits for the first, forwards it, then hands over.
        images.pipeInput("b3", TestImages.inline("b3", TestImages.png(3), "caption"));
        assertThat(masks.getQueueSize()).as("the first batch was forwarded before the second was handed over").isEqualTo(2);
        awaitOutputs(4);
        assertThat(masks.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("b0", "b1", "b2", "b3");
        assertThat(gated.batches.get()).isEqualTo(2);
        assertThat(buffered()).isZero();
        opener.join();
    }

    @Test
    void shouldSegmentACaptureSentTwiceTwiceInOneBatch() throws Exception {
        start(Map.of(SeglineConfig.Keys.BATCH_SIZE, "2", SeglineConfig.Keys.SEGMENTER, "baseline", SeglineConfig.Keys.BATCH_OVERLAP, "true"));
        images.pipeInput("twice", TestImages.inline("twice", TestImages.png(4), "caption"));
        images.pipeInput("twice", TestImages.inline("twice", TestImages.png(4), "caption"));
        awaitOutputs(2);
        assertThat(masks.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("twice", "twice");
    }

    @Test
    void shouldDeadLetterAFailingRecordOfAnOverlappedBatchAndGoOn() throws Exception {
        start(config(Map.of(SeglineConfig.Keys.BATCH_SIZE, "3", SeglineConfig.Keys.BATCH_LINGER_MS, "50", SeglineConfig.Keys.BATCH_OVERLAP, "true")),
                stages -> new Stages(stages.validator(), stages.enricher(), SeglineTopologyTest::poisonSensitive, stages.refiner(),
                        stages.measurer(), stages.batchSize(), stages.batchLinger(), stages.batchOverlap()));
        images.pipeInput("a", TestImages.inline("a", TestImages.png(1), "fine"));
        images.pipeInput("b", TestImages.inline("b", TestImages.png(2), "poison"));
        images.pipeInput("c", TestImages.inline("c", TestImages.png(3), "fine"));
        images.pipeInput("d", TestImages.inline("d", TestImages.png(4), "fine"));
        awaitOutputs(4);
        DeadLetter letter = deadLetters.readValue();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(letter.getImageId()).isEqualTo("b");
        assertThat(letter.getStage()).isEqualTo("segment");
        assertThat(letter.getMessage()).contains("model produced NaN");
        assertThat(masks.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("a", "c", "d");
        assertThat(buffered()).isZero();
    }

    @Test
    void shouldRefuseANegativeModelThreadCount() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stages.from(config(Map.of(SeglineConfig.Keys.MODEL_THREADS, "-1"))))
                .hasMessageContaining("segline.model.threads must be 0 (automatic) or more, not -1");
    }

    @Test
    void shouldRefuseABatchOverlapThatIsNotABoolean() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stages.from(config(Map.of(SeglineConfig.Keys.BATCH_OVERLAP, "yes"))))
                .hasMessageContaining("segline.batch.overlap must be true or false, not 'yes'");
    }

    @Test
    void shouldGiveTheSameResultAloneAndInsideABatch() {
        start(Map.of());
        images.pipeInput("same", TestImages.inline("same", TestImages.png(9), "caption"));
        SegmentationResult alone = masks.readValue();
        driver.close();
        MockSchemaRegistry.dropScope(SCOPE);
        start(Map.of(SeglineConfig.Keys.BATCH_SIZE, "3", SeglineConfig.Keys.BATCH_OVERLAP, "false"));
        images.pipeInput("other-1", TestImages.inline("other-1", TestImages.png(1), "caption"));
        images.pipeInput("same", TestImages.inline("same", TestImages.png(9), "caption"));
        images.pipeInput("other-2", TestImages.inline("other-2", TestImages.png(2), "caption"));
        SegmentationResult batched = masks.readKeyValuesToList().get(1).value;
        assertThat(batched.getImageId()).isEqualTo("same");
        // The diffusion model's probabilities agree alone and batched to 1e-5 (DiffusionSegmenterTest); through the
        // whole line that leaves the label maps equal but for pixels whose top two classes tie within that margin.
        assertThat(batched.getSegmenter()).isEqualTo("diffusion");
        int[] size = new int[2];
        byte[] a = io.segline.quality.GroundTruth.decode(io.segline.serde.ByteBuffers.toArray(alone.getLabelMapPng()), size);
        byte[] b = io.segline.quality.GroundTruth.decode(io.segline.serde.ByteBuffers.toArray(batched.getLabelMapPng()), size);
        int differing = 0;
        for (int i = 0; i < a.length; i++) {
            differing += a[i] == b[i] ? 0 : 1;
        }
        assertThat(differing).as("pixels labelled differently").isLessThanOrEqualTo(a.length / 1000);
        assertThat(batched.getMeanConfidence()).isCloseTo(alone.getMeanConfidence(), org.assertj.core.api.Assertions.within(1e-5));
    }

    @Test
    void shouldNameEveryProcessorAndSink() {
        start(Map.of());
        String description = io.segline.line.LineTopology.build(topics, config(Map.of())).describe().toString();
        for (String name : List.of("images-source", "validate", "enrich", "segment", "failed", "to-dead-letters", "dead-letter-sink",
                "succeeded", "key-by-image-id", "to-masks", "to-quality", "masks-sink", "quality-sink", "line-health-aggregate",
                "alerts", "review-sampling", "image-index")) {
            assertThat(description).contains(name);
        }
        assertThat(description).doesNotContain("KSTREAM-");
    }

    @Test
    void shouldRefuseUnknownStageModesBeforeStarting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stages.from(config(Map.of(SeglineConfig.Keys.SEGMENTER, "magic"))))
                .hasMessageContaining("Unknown segmenter 'magic'").hasMessageContaining("baseline");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stages.from(config(Map.of(SeglineConfig.Keys.ENRICHMENT, "telepathy"))))
                .hasMessageContaining("Unknown caption enrichment 'telepathy'").hasMessageContaining("none, rules, llm");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stages.from(config(Map.of(SeglineConfig.Keys.ENRICHMENT, "llm"))))
                .hasMessageContaining("segline.caption.llm.url");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}

package io.segline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.dataset.Painting;
import io.segline.dataset.ThangkaSynth;
import io.segline.line.StreamsRunner;
import io.segline.model.Segmenter;
import io.segline.pipeline.Capture;
import io.segline.pipeline.Pipeline;
import io.segline.quality.Measurer;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.records.InlineImage;
import io.segline.records.SegmentationResult;
import io.segline.serde.ApicurioRegistry;
import io.segline.streams.EmbeddedKafka;
import io.segline.streams.SeglineTopology.Stages;
import io.segline.topics.TopicAdmin;
import io.segline.topics.Topics;
import io.segline.validate.ImageValidator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Throughput and latency of the line through Kafka, beside the same stages called directly. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures the configured pipeline twice on the same ThangkaSynth images, for each batch size: called"
                + " directly in this JVM, and through an embedded Kafka broker and registry with exactly-once. Prints"
                + " images/s for both and their ratio (stream/direct), per-stage p50/p95 and end-to-end latency, and the"
                + " resident memory of this JVM (the broker's child JVM apart) after 10%% of the images and at the end, and the"
                + " time the JIT spent compiling during each run. The direct run uses as many threads, each with its own model,"
                + " as the stream has stream threads (one per core on a CPU unless --set num.stream.threads=N). Before anything"
                + " is timed, the stream is warmed up: up to 5 short runs, until JIT compiling takes under 2%% of a run's time."
                + " Kafka's code keeps compiling for many minutes, so the JIT column shows what is left in each timed run.",
                "Timings vary run to run on shared machines: compare ratios and medians."})
public final class BenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Warm-up streams run until JIT compiling takes less than this share of a run's wall time. */
    private static final double WARM_JIT_SHARE = 0.02;
    private static final int MAX_WARM_UPS = 5;
    static final String DEFAULT_BROKER_JVM = "-Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--count"}, defaultValue = "2000", description = "Images per run (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,4,8,16", description = "Batch sizes to try (default: ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(names = "--repeat", defaultValue = "1", paramLabel = "N",
            description = "Rounds of direct-then-stream per batch size; the summary takes the median round (default: ${DEFAULT-VALUE})."
                    + " On a shared machine single runs vary by 10-20%%: use 3 or more for figures you report.")
    int repeat;

    @Option(names = "--size", defaultValue = "256x320", converter = DatasetCommand.SizeConverter.class, paramLabel = "WxH",
            description = "Image size (default: ${DEFAULT-VALUE}).")
    DatasetCommand.Size size;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Partitions of the bench's topics (default: as many as the line has stream threads, so that every model has"
                    + " work: one per core on a CPU, or num.stream.threads when set).")
    Integer partitions;

    @Option(names = "--broker", defaultValue = "process", paramLabel = "process|in-jvm",
            description = "Where the bench's broker runs: in a child JVM of its own, as a real cluster runs apart from the line"
                    + " (default), or inside this JVM, where its heap, GC and JIT compiling mix with the line's.")
    String broker;

    @Option(names = "--broker-jvm-options", defaultValue = DEFAULT_BROKER_JVM, paramLabel = "OPTIONS",
            description = "JVM options of the child broker (default: ${DEFAULT-VALUE}). C1 alone compiles the broker's code quickly"
                    + " and leaves the cores to the line; the broker's own work is a few percent of a core.")
    String brokerJvmOptions;

    @picocli.CommandLine.Mixin
    ModelOptions model;

    @Option(names = "--json", description = "End with one line of JSON with every figure.")
    boolean json;

    @picocli.CommandLine.Mixin
    SettingsOptions options;

    /** The settings chosen through the model options, --set, SEGLINE_* and --config: what differs from the defaults. */
    private Map<String, String> settings = new java.util.LinkedHashMap<>();

    /** Figures of one run. */
    record Run(String mode, int batchSize, int round, int images, double seconds, Map<String, double[]> stages, double[] latency,
            long rssEarlyKb, long rssEndKb, double jitSeconds) {
        double imagesPerSecond() {
            return images / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (count < 10) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--count must be at least 10");
        }
        if (partitions != null && partitions < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--partitions must be at least 1");
        }
        if (repeat < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--repeat must be at least 1");
        }
        if (!broker.equals("process") && !broker.equals("in-jvm")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--broker must be process or in-jvm, not '" + broker + "'");
        }
        if (batchSizes.stream().anyMatch(b -> b < 1)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--batch-sizes must all be at least 1");
        }
        settings = options.chosen(model);
        int threads = streamThreads();
        if (partitions == null) {
            partitions = threads;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Generating %d ThangkaSynth images of %dx%d ...%n", count, size.width(), size.height());
        out.flush();
        ThangkaSynth synth = new ThangkaSynth(size.width(), size.height());
        List<ImageCaptured> captures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Painting p = synth.generate(4242, i, "mixed");
            captures.add(ImageCaptured.newBuilder().setImageId(String.format("bench-%05d", i)).setLineId("bench").setScannerId("bench")
                    .setCapturedAt(Instant.EPOCH).setCaption(p.caption())
                    .setImage(InlineImage.newBuilder().setData(ByteBuffer.wrap(png(p))).build()).setContentType("image/png").build());
        }
        // Warm the JIT on both paths before anything is timed, so that neither the first batch size nor the stream (whose
        // clients, Streams and serde code would otherwise be compiled during its timed run) pays for all of its compiling.
        // The stream has far more code to compile; it is warmed until compiling takes under WARM_JIT_SHARE of a run's
        // time, at most MAX_WARM_UPS times. On 2 cores Kafka's code goes on compiling for many minutes (2-10 s per
        // timed run of 400-2,000 images): the JIT column reports it rather than hiding it.
        List<ImageCaptured> warmUp = captures.subList(0, Math.min(captures.size(), Math.max(10, Math.min(200, count / 5))));
        direct(batchSizes.get(0), 0, warmUp);
        List<Run> runs = new ArrayList<>();
        out.println("Starting Kafka and the schema registry ...");
        out.flush();
        try (EmbeddedKafka kafka = broker(); ApicurioRegistry registry = ApicurioRegistry.start()) {
            for (int i = 1; i <= MAX_WARM_UPS; i++) {
                Run warm = stream(batchSizes.get(0), 0, warmUp, kafka, registry);
                out.printf(Locale.ROOT, "  warm-up stream %d on %d images: %7.1f images/s, JIT compiling %.1f s%n", i, warmUp.size(),
                        warm.imagesPerSecond(), warm.jitSeconds());
                out.flush();
                if (warm.jitSeconds() < WARM_JIT_SHARE * warm.seconds()) {
                    break;
                }
            }
            for (int batch : batchSizes) {
                for (int round = 1; round <= repeat; round++) {
                    runs.add(direct(batch, round, captures));
                    out.printf("  direct  batch %2d round %d: %7.1f images/s%n", batch, round, runs.get(runs.size() - 1).imagesPerSecond());
                    out.flush();
                    runs.add(stream(batch, round, captures, kafka, registry));
                    out.printf("  stream  batch %2d round %d: %7.1f images/s%n", batch, round, runs.get(runs.size() - 1).imagesPerSecond());
                    out.flush();
                }
            }
        }
        out.println();
        out.printf("%-7s %5s %5s %8s %9s %14s %13s %14s %15s %10s %10s %6s%n", "mode", "batch", "round", "images/s", "stream/dir",
                "segment p50/95", "refine p50/95", "measure p50/95", "e2e p50/p95", "RSS early", "RSS end", "JIT s");
        ObjectNode report = JSON.createObjectNode().put("images", count).put("repeat", repeat).put("streamThreads", threads)
                .put("partitions", partitions);
        ArrayNode rows = report.putArray("runs");
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            Run direct = run.mode().equals("stream") ? runs.get(i - 1) : run;
            double ratio = run.imagesPerSecond() / direct.imagesPerSecond();
            double[] seg = run.stages().get("segment");
            double[] ref = run.stages().get("refine");
            double[] mea = run.stages().get("measure");
            out.printf(Locale.ROOT, "%-7s %5d %5d %8.1f %9s %14s %13s %14s %15s %7d MB %7d MB %6.1f%n", run.mode(), run.batchSize(),
                    run.round(), run.imagesPerSecond(), run.mode().equals("stream") ? String.format(Locale.ROOT, "%.2f", ratio) : "",
                    pair(seg), pair(ref), pair(mea),
                    run.latency() == null ? "" : String.format(Locale.ROOT, "%.0f/%.0f ms", run.latency()[0], run.latency()[1]),
                    run.rssEarlyKb() / 1024, run.rssEndKb() / 1024, run.jitSeconds());
            ObjectNode row = rows.addObject().put("mode", run.mode()).put("batchSize", run.batchSize()).put("round", run.round())
                    .put("imagesPerSecond", run.imagesPerSecond()).put("seconds", run.seconds())
                    .put("rssEarlyKb", run.rssEarlyKb()).put("rssEndKb", run.rssEndKb()).put("jitSeconds", run.jitSeconds());
            if (run.mode().equals("stream")) {
                row.put("streamToDirect", ratio);
                row.put("latencyP50Ms", run.latency()[0]).put("latencyP95Ms", run.latency()[1]);
            }
            ObjectNode stages = row.putObject("stages");
            run.stages().forEach((stage, p) -> stages.putObject(stage).put("p50Ms", p[0]).put("p95Ms", p[1]));
        }
        out.println();
        out.printf("%5s %14s %14s %18s%n", "batch", "direct img/s", "stream img/s", "stream/direct");
        ArrayNode summary = report.putArray("summary");
        double bestRatio = 0;
        int fastest = -1;
        double fastestStream = 0;
        double fastestRatio = 0;
        for (int batch : batchSizes) {
            List<Double> directs = new ArrayList<>();
            List<Double> streams = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i).batchSize() == batch && runs.get(i).mode().equals("stream")) {
                    directs.add(runs.get(i - 1).imagesPerSecond());
                    streams.add(runs.get(i).imagesPerSecond());
                    ratios.add(runs.get(i).imagesPerSecond() / runs.get(i - 1).imagesPerSecond());
                }
            }
            double ratio = median(ratios);
            double streamRate = median(streams);
            bestRatio = Math.max(bestRatio, ratio);
            if (streamRate > fastestStream) {
                fastestStream = streamRate;
                fastest = batch;
                fastestRatio = ratio;
            }
            String spread = repeat > 1 ? String.format(Locale.ROOT, " (%.2f-%.2f)", java.util.Collections.min(ratios),
                    java.util.Collections.max(ratios)) : "";
            out.printf(Locale.ROOT, "%5d %14.1f %14.1f %18s%n", batch, median(directs), streamRate,
                    String.format(Locale.ROOT, "%.2f", ratio) + spread);
            summary.addObject().put("batchSize", batch).put("directImagesPerSecond", median(directs))
                    .put("streamImagesPerSecond", streamRate).put("streamToDirect", ratio)
                    .put("streamToDirectMin", java.util.Collections.min(ratios)).put("streamToDirectMax", java.util.Collections.max(ratios));
        }
        report.put("fastestStreamBatchSize", fastest).put("streamToDirectAtFastest", fastestRatio);
        out.printf(Locale.ROOT, "%nFastest stream: batch %d at %.1f images/s, stream/direct %.2f%s%n", fastest, fastestStream, fastestRatio,
                repeat > 1 ? " (medians of " + repeat + " rounds)" : "");
        report.put("bestStreamToDirect", bestRatio);
        out.printf(Locale.ROOT, "Best stream/direct throughput ratio: %.2f%n", bestRatio);
        if (json) {
            out.println(report);
        }
        out.flush();
        return 0;
    }

    /**
     * The stages called directly, by as many threads as the stream has stream threads ({@code num.stream.threads}),
     * each with its own stages and model, taking the next chunk of {@code batch} images until none are left.
     */
    private Run direct(int batch, int round, List<ImageCaptured> captures) throws Exception {
        SeglineConfig config = SeglineConfig.of(settings);
        Stages stages = Stages.from(config);
        int threads = streamThreads();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong early = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        long jit0 = jitMillis();
        List<java.util.concurrent.Future<Map<String, Histogram>>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                Map<String, Histogram> times = new LinkedHashMap<>();
                ImageValidator validator = stages.validator().get();
                var enricher = stages.enricher().get();
                try (Segmenter segmenter = stages.segmenter().get()) {
                    Pipeline pipeline = new Pipeline(segmenter, stages.refiner().apply(segmenter), stages.measurer().get());
                    for (int start = next.getAndAdd(batch); start < captures.size(); start = next.getAndAdd(batch)) {
                        List<ImageCaptured> chunk = captures.subList(start, Math.min(captures.size(), start + batch));
                        directChunk(chunk, validator, enricher, pipeline, times);
                        if (done.addAndGet(chunk.size()) >= captures.size() / 10) {
                            early.compareAndSet(0, rssKb());
                        }
                    }
                }
                return times;
            }));
        }
        pool.shutdown();
        Map<String, Histogram> stageTimes = new LinkedHashMap<>();
        for (java.util.concurrent.Future<Map<String, Histogram>> worker : workers) {
            worker.get().forEach((stage, h) -> stageTimes.computeIfAbsent(stage, k -> histogram()).add(h));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Run("direct", batch, round, captures.size(), seconds, percentiles(stageTimes), null, early.get(), rssKb(),
                (jitMillis() - jit0) / 1000.0);
    }

    private static void directChunk(List<ImageCaptured> chunk, ImageValidator validator, io.segline.caption.CaptionEnricher enricher,
            Pipeline pipeline, Map<String, Histogram> stageTimes) {
        List<BenchItem> items = new ArrayList<>();
        for (ImageCaptured capture : chunk) {
            long s = System.nanoTime();
            java.awt.image.BufferedImage image = validator.validate(capture).image();
            record(stageTimes, "validate", s);
            s = System.nanoTime();
            EnrichedCaption caption = enricher.enrich(capture);
            record(stageTimes, "enrich", s);
            items.add(new BenchItem(capture.getImageId(), image, caption, pipeline.segmenter()));
        }
        pipeline.run(items, new Pipeline.Observer() {
            @Override
            public void stage(Pipeline.Item item, Pipeline.StageRun run) {
                if (run.error() != null) {
                    throw new IllegalStateException("bench image " + item.imageId() + " failed in " + run.stage(), run.error());
                }
                stageTimes.computeIfAbsent(run.stage(), k -> histogram()).recordValue(Math.max(1, (long) (run.itemMillis() * 1000)));
            }
        });
    }

    /** A bench image in the pipeline: measured as the line measures it, its outputs dropped. */
    private static final class BenchItem extends Capture {
        private final Segmenter segmenter;

        BenchItem(String id, java.awt.image.BufferedImage image, EnrichedCaption caption, Segmenter segmenter) {
            super(id, image, caption);
            this.segmenter = segmenter;
        }

        @Override
        public Measurer.Input measureInput() {
            return new Measurer.Input(imageId(), "bench", image(), refined().probabilities(), refined().summary(),
                    caption().getBackend(), segmenter.name(), segmenter.modelName(), segmenter.modelVersion(), new HashMap<>(), null, null);
        }
    }

    private Run stream(int batch, int round, List<ImageCaptured> captures, EmbeddedKafka kafka, ApicurioRegistry registry)
            throws Exception {
        Map<String, String> values = new LinkedHashMap<>(settings);
        String app = "segline-bench-" + batch + "-" + System.nanoTime();
        values.put(SeglineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        values.put(SeglineConfig.SCHEMA_REGISTRY_URL, registry.url());
        values.put(Keys.APPLICATION_ID, app);
        values.put(Keys.TOPIC_PREFIX, app + ".");
        values.put(Keys.BATCH_SIZE, String.valueOf(batch));
        values.put(Keys.MAX_POLL_RECORDS, String.valueOf(Math.max(8, batch)));
        values.put("state.dir", Files.createTempDirectory("segline-bench-").toString());
        SeglineConfig config = SeglineConfig.of(values);
        TopicAdmin.createTopics(config, partitions, (short) 1);
        Topics topics = Topics.from(config);
        Map<String, Object> consumerProps = new HashMap<>(config.clientProperties());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> producerProps = new HashMap<>(config.clientProperties());
        producerProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        Map<String, Histogram> stageTimes = new LinkedHashMap<>();
        Histogram latency = histogram();
        long early = 0;
        try (StreamsRunner line = new StreamsRunner(config);
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<String, ImageCaptured> producer = new KafkaProducer<>(producerProps, topics.images().keySerde().serializer(),
                        topics.images().valueSerde().serializer())) {
            line.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (line.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            List<TopicPartition> maskPartitions = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                maskPartitions.add(new TopicPartition(topics.masks().name(), p));
            }
            consumer.assign(maskPartitions);
            consumer.seekToBeginning(maskPartitions);
            long t0 = System.nanoTime();
            long jit0 = jitMillis();
            Map<String, Instant> sentAt = new HashMap<>();
            for (ImageCaptured capture : captures) {
                ImageCaptured stamped = ImageCaptured.newBuilder(capture).setCapturedAt(Instant.now()).build();
                sentAt.put(stamped.getImageId(), stamped.getCapturedAt());
                producer.send(new ProducerRecord<>(topics.images().name(), stamped.getImageId(), stamped));
            }
            producer.flush();
            int seen = 0;
            long end = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (seen < captures.size() && System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    SegmentationResult result = topics.masks().valueSerde().deserializer().deserialize(record.topic(), record.value());
                    result.getStageMillis().forEach((stage, ms) ->
                            stageTimes.computeIfAbsent(stage, k -> histogram()).recordValue(Math.max(1, (long) (ms * 1000))));
                    Instant sent = sentAt.get(result.getImageId());
                    if (sent != null) {
                        latency.recordValue(Math.max(1, result.getProducedAt().toEpochMilli() - sent.toEpochMilli()));
                    }
                    seen++;
                    if (seen == captures.size() / 10) {
                        early = rssKb();
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Run("stream", batch, round, seen, seconds, percentiles(stageTimes),
                    new double[] {latency.getValueAtPercentile(50), latency.getValueAtPercentile(95)}, early, rssKb(),
                    (jitMillis() - jit0) / 1000.0);
        }
    }

    private EmbeddedKafka broker() {
        int maxMessageBytes = 16 * 1024 * 1024;
        return broker.equals("in-jvm") ? EmbeddedKafka.start(maxMessageBytes)
                : EmbeddedKafka.startProcess(maxMessageBytes,
                        java.util.Arrays.stream(brokerJvmOptions.trim().split("\\s+")).filter(o -> !o.isBlank()).toList());
    }

    /** The stream's stream threads (explicit, or one per core on a CPU), which the direct run matches. */
    private int streamThreads() {
        try {
            return io.segline.streams.Parallelism.of(SeglineConfig.of(settings)).streamThreads();
        } catch (RuntimeException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** "p50/p95 ms", or "-" when not measured (the stream's results cannot carry the time of the stage that builds them). */
    private static String pair(double[] p) {
        return p == null ? "-" : String.format(Locale.ROOT, "%.0f/%.0f ms", p[0], p[1]);
    }

    private static void record(Map<String, Histogram> times, String stage, long startNanos) {
        times.computeIfAbsent(stage, k -> histogram()).recordValue(Math.max(1, (System.nanoTime() - startNanos) / 1000));
    }

    private static Histogram histogram() {
        return new Histogram(1, 3_600_000_000L, 3);
    }

    /** p50 and p95 in milliseconds per stage, from microsecond histograms. */
    private static Map<String, double[]> percentiles(Map<String, Histogram> times) {
        Map<String, double[]> out = new LinkedHashMap<>();
        times.forEach((stage, h) -> out.put(stage, new double[] {h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0}));
        return out;
    }

    /** Time the JIT compilers have spent so far in this JVM, in milliseconds (0 where the JVM does not say). */
    private static long jitMillis() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** Resident set size of this process in KiB (Linux); 0 elsewhere. */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private static byte[] png(Painting painting) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(painting.image(), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

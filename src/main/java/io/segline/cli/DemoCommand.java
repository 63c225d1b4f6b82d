package io.segline.cli;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.dataset.SynthWriter;
import io.segline.line.StreamsRunner;
import io.segline.monitor.HttpApi;
import io.segline.serde.ApicurioRegistry;
import io.segline.streams.EmbeddedKafka;
import io.segline.topics.TopicAdmin;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The embedded demo: a real Kafka broker (KRaft, in this JVM), a real schema registry (child process),
 * the whole line, synthetic captures in, masks and overlays out.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole line on this machine with nothing to install: starts a Kafka broker (KRaft,"
                + " in-process, localhost) and a schema registry (Apicurio, in-memory, 127.0.0.1), creates the topics,"
                + " starts the line, produces ThangkaSynth paintings with captions and ground-truth masks,"
                + " subscribes to the results and writes them to --out:",
                "  dataset/            the generated paintings (images/, masks/, captions.jsonl, attributes.jsonl)",
                "  masks/<id>.png      label maps (0 background, 1 figure, 2 halo, 3 backlight, 4 lotus)",
                "  overlays/<id>.png   paintings with the classes painted over them",
                "  results.jsonl       one line per image: classes, confidence, verdict, latency",
                "Segmentation uses the configured segmenter (default: the shipped diffusion model spirit-g; --set segline.segmenter=baseline for the classical one)."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--count"}, defaultValue = "12", description = "How many paintings to produce (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = {"-o", "--out"}, defaultValue = "demo-out", paramLabel = "DIR",
            description = "Folder for the dataset, masks, overlays and results.jsonl (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the painting generator (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--keep-running", description = "Keep broker, registry and line running after the results, with a kcat"
            + " command to look at the topics, until Ctrl-C.")
    boolean keepRunning;

    @Option(names = "--http-port", defaultValue = "0",
            description = "Port of the dashboard, API and /metrics on 127.0.0.1 (default: a free one, printed).")
    int httpPort;

    @Option(names = "--timeout", defaultValue = "PT3M", description = "Give up if the results have not all arrived after this long (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @picocli.CommandLine.Mixin
    ModelOptions model;

    @picocli.CommandLine.Mixin
    SettingsOptions options;

    /** The settings chosen through the model options, --set, SEGLINE_* and --config: what differs from the defaults. */
    private Map<String, String> settings = new java.util.LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        stdout.printf("segline demo: %d synthetic paintings through a real Kafka broker and schema registry%n", count);
        stdout.println("Starting Kafka (KRaft, in-process) and the schema registry (Apicurio, in-memory) ...");
        stdout.flush();
        settings = options.chosen(model);
        SeglineConfig defaults = SeglineConfig.of(settings);
        int maxMessage = defaults.getInt(Keys.MAX_RECORD_BYTES) + 2 * 1024 * 1024;
        CompletableFuture<ApicurioRegistry> registryStart = CompletableFuture.supplyAsync(ApicurioRegistry::start);
        List<AutoCloseable> resources = new ArrayList<>();
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            interrupted.set(true);
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "segline-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            EmbeddedKafka kafka = EmbeddedKafka.start(maxMessage);
            resources.add(kafka);
            ApicurioRegistry registry = registryStart.join();
            resources.add(registry);
            Path stateDir = Files.createTempDirectory("segline-demo-state-");
            // A temporary state folder is right for a demo; Kafka Streams' warning about one is not for this user.
            Logging.quiet("org.apache.kafka.streams.processor.internals.StateDirectory");
            SeglineConfig config = defaults.with(Map.of(
                    SeglineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    SeglineConfig.SCHEMA_REGISTRY_URL, registry.url(),
                    Keys.APPLICATION_ID, "segline-demo",
                    Keys.COMMIT_INTERVAL_MS, settings.getOrDefault(Keys.COMMIT_INTERVAL_MS, "500"),
                    "state.dir", stateDir.toString()));
            stdout.printf("Kafka at %s, registry at %s (%.1f s)%n", kafka.bootstrapServers(), registry.url(), seconds(t0));
            TopicAdmin.createTopics(config, 2, (short) 1);

            HttpApi api = HttpApi.start("127.0.0.1", httpPort, "127.0.0.1");
            resources.add(api);
            config = config.with(Map.of(org.apache.kafka.streams.StreamsConfig.APPLICATION_SERVER_CONFIG, api.advertised()));
            StreamsRunner line = new StreamsRunner(config);
            resources.add(line);
            api.attach(line.streams());
            line.start();
            awaitRunning(line);
            stdout.printf("Line running (segmenter %s, caption enrichment %s, refiner %s)%n",
                    config.require(Keys.SEGMENTER), config.require(Keys.ENRICHMENT), config.require(Keys.REFINER));

            Path dataset = writeDataset(out.resolve("dataset"));
            try (CaptureProducer producer = new CaptureProducer(config)) {
                for (io.segline.dataset.DatasetFolder.Entry entry : io.segline.dataset.DatasetFolder.read(dataset)) {
                    producer.send(producer.capture(entry.id(), entry.image(), entry.caption(), "demo-line", "demo-scanner",
                            entry.mask().orElse(null)));
                }
                producer.flush();
            }
            stdout.printf("Produced %d captures to %s; waiting for the results ...%n", count, config.topic(Keys.TOPIC_IMAGES));
            stdout.flush();

            long deadline = System.nanoTime() + timeout.toNanos();
            ResultSubscriber.Summary summary;
            try (ResultSubscriber subscriber = new ResultSubscriber(config, out, true)) {
                summary = subscriber.run(count, true, () -> interrupted.get() || System.nanoTime() > deadline, line1 -> { });
            }
            printTable(stdout, summary);
            if (summary.scoredImages() > 0) {
                io.segline.quality.SegmentationMetrics.Result gt = summary.groundTruth().result(io.segline.quality.Measurer.CLASS_NAMES);
                stdout.printf("%nAgainst the ground-truth masks that rode along (%d images): mIoU %.1f%%, Dice %.1f%%, PixAcc %.1f%%"
                        + " (segline evaluate --dataset %s scores the same offline)%n", summary.scoredImages(), 100 * gt.mIoU(),
                        100 * gt.dice(), 100 * gt.pixAcc(), dataset);
            }
            int done = summary.results().size();
            stdout.printf("%n%d of %d images segmented, %d dead letter(s), in %.1f s. Masks, overlays and results.jsonl are in %s%n",
                    done, count, summary.deadLetters().size(), seconds(t0), out.toAbsolutePath());
            if (keepRunning && !interrupted.get()) {
                stdout.printf("%nThe line keeps running. Dashboard: http://127.0.0.1:%d/  (API /api/lines, metrics /metrics)%n", api.port());
                stdout.printf("Look at the topics with kcat while it does:%n"
                        + "  kcat -b %s -L%n"
                        + "  kcat -b %s -C -t %s -e -f '%%t [%%p] @%%o key %%k: %%S bytes (Confluent Avro)\\n'%n"
                        + "Schemas are at %s/subjects; produce more with%n"
                        + "  ./segline produce -b %s -r %s --dataset %s%n"
                        + "Press Ctrl-C to stop.%n", kafka.bootstrapServers(), kafka.bootstrapServers(),
                        config.topic(Keys.TOPIC_MASKS), registry.url(), kafka.bootstrapServers(), registry.url(), dataset);
                stdout.flush();
                while (!interrupted.get() && line.state() != KafkaStreams.State.ERROR) {
                    Thread.sleep(200);
                }
            }
            return done == count ? 0 : 1;
        } finally {
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception e) {
                    spec.commandLine().getErr().println("segline: while stopping: " + e.getMessage());
                }
            }
            if (!registryStart.isDone()) {
                registryStart.thenAccept(ApicurioRegistry::close);
            }
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already stopping.
            }
        }
    }

    private Path writeDataset(Path dir) throws java.io.IOException {
        // The demo produces every image of its dataset folder: paintings left by an earlier demo would ride along.
        if (java.nio.file.Files.isDirectory(dir)) {
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(p);
                }
            }
        }
        SynthWriter.write(dir, count, seed, "mixed", 256, 320, () -> { });
        return dir;
    }

    private static void awaitRunning(StreamsRunner line) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (line.state() != KafkaStreams.State.RUNNING) {
            if (line.state() == KafkaStreams.State.ERROR || System.nanoTime() > deadline) {
                throw new IllegalStateException("The line did not start (state " + line.state() + "); see the log above");
            }
            Thread.sleep(100);
        }
    }

    private static void printTable(PrintWriter out, ResultSubscriber.Summary summary) {
        out.println();
        out.printf("%-14s %8s %7s %7s %9s %7s  %5s  %-5s %8s%n", "image", "figure", "halo", "backlt", "lotus", "bg", "conf", "verdict", "latency");
        for (ResultSubscriber.Row row : summary.results()) {
            Map<String, Double> a = row.areaFractions();
            out.printf("%-14s %7.1f%% %6.1f%% %6.1f%% %8.1f%% %6.1f%%  %5.2f  %-7s %6s ms%n", row.imageId(),
                    100 * a.getOrDefault("figure", 0.0), 100 * a.getOrDefault("halo", 0.0), 100 * a.getOrDefault("backlight", 0.0),
                    100 * a.getOrDefault("lotus", 0.0), 100 * a.getOrDefault("background", 0.0), row.meanConfidence(),
                    row.verdict().toLowerCase(java.util.Locale.ROOT), row.latencyMs() == null ? "?" : row.latencyMs().toString());
        }
        for (io.segline.records.DeadLetter letter : summary.deadLetters()) {
            out.printf("%-14s DEAD LETTER at %s: %s%n", letter.getImageId(), letter.getStage(), letter.getMessage());
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}

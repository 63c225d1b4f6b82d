package io.segline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.dataset.Painting;
import io.segline.dataset.ThangkaSynth;
import io.segline.records.DeadLetter;
import io.segline.records.ImageCaptured;
import io.segline.records.InlineImage;
import io.segline.records.SegmentationResult;
import io.segline.serde.ApicurioRegistry;
import io.segline.streams.EmbeddedKafka;
import io.segline.topics.TopicAdmin;
import io.segline.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Exactly-once under crashes, measured: captures through line instances in child processes that are killed with
 * SIGKILL and started again, then every capture's outcomes counted with a read_committed consumer.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Runs --captures captures (one in --bad-every is not an image) through --instances `segline run`"
                + " processes against an embedded broker and registry, kills a random instance with SIGKILL --kills times"
                + " (evenly over the run) and starts it again at once with its own state folder and member id, as an"
                + " orchestrator restarts a pod. Reports, for every kill, the recovery time: from the kill until every input"
                + " partition that still had work delivered a committed result again; then counts every capture's outcomes on"
                + " the masks and dead-letter topics with isolation.level=read_committed. Exits 0 only when no capture was"
                + " lost and none has two outcomes. Half-way through the kills the broker is bounced (--broker-bounce).",
                "The instances use static membership (group.instance.id) and keep their state folders across restarts,"
                        + " unless --dynamic-membership."})
public final class SoakCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--captures"}, defaultValue = "1000", description = "Captures to send (default: ${DEFAULT-VALUE}).")
    int captures;

    @Option(names = "--kills", defaultValue = "10", description = "SIGKILLs spread over the run (default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--instances", defaultValue = "2", description = "Line instances, each a child JVM (default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--bad-every", defaultValue = "25", paramLabel = "N",
            description = "Every N-th capture carries text instead of an image and must end as a dead letter (default: ${DEFAULT-VALUE}; 0: none).")
    int badEvery;

    @Option(names = "--size", defaultValue = "256x320", converter = DatasetCommand.SizeConverter.class, paramLabel = "WxH",
            description = "Painting size (default: ${DEFAULT-VALUE}).")
    DatasetCommand.Size size;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the paintings and of the choice of victims (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dynamic-membership", description = "Leave group.instance.id unset: a restarted instance joins as a new member"
            + " and the killed one's partitions wait for its session to expire.")
    boolean dynamicMembership;

    @Option(names = "--broker-bounce", defaultValue = "PT5S", paramLabel = "DURATION",
            description = "Half-way through the kills, shut the broker down for this long and start it again (default: ${DEFAULT-VALUE};"
                    + " PT0S: no bounce).")
    Duration brokerBounce;

    @Option(names = "--timeout", defaultValue = "PT30M", description = "Give up if outcomes are still missing after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--out", defaultValue = "soak", description = "Folder for the instances' logs and soak.json (default: ./${DEFAULT-VALUE}).")
    Path out;

    @picocli.CommandLine.Mixin
    ModelOptions model;

    @picocli.CommandLine.Mixin
    SettingsOptions options;

    /** The settings chosen through the model options, --set, SEGLINE_* and --config: what differs from the defaults. */
    private Map<String, String> settings = new java.util.LinkedHashMap<>();

    /** One line instance: a child process that can be killed and started again with the same identity. */
    private final class Instance {
        final int index;
        final Path stateDir;
        final Path log;
        final SeglineConfig config;
        Process process;
        int starts;

        Instance(int index, SeglineConfig base) throws IOException {
            this.index = index;
            this.stateDir = Files.createDirectories(out.resolve("state-" + index));
            this.log = out.resolve("instance-" + index + ".log");
            Map<String, String> own = new HashMap<>(Map.of("state.dir", stateDir.toString(), Keys.HTTP_PORT, "-1"));
            if (!dynamicMembership) {
                own.put("group.instance.id", "soak-instance-" + index);
            }
            this.config = base.with(own);
        }

        void start() throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "io.segline.Main", "run"));
            config.values().forEach((key, value) -> {
                command.add("--set");
                command.add(key + "=" + value);
            });
            starts++;
            Files.writeString(log, "---- start " + starts + " at " + Instant.now() + System.lineSeparator(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        void stop() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }

    /** What the consumer has seen: outcomes per capture, and when each input partition last delivered one. */
    private static final class Seen {
        final Map<String, Integer> outcomes = new HashMap<>();
        final long[] lastAt;
        final int[] pending;
        int total;

        Seen(int partitions, int[] sentPerPartition) {
            this.lastAt = new long[partitions];
            this.pending = sentPerPartition.clone();
        }
    }

    /** Recovery after one kill: how long until each partition with work delivered again; the line's figure is the longest. */
    record Recovery(int kill, int victim, double seconds, double firstResultSeconds, int partitionsWaiting) {
    }

    @Override
    public Integer call() throws Exception {
        if (captures < 10 || kills < 0 || instances < 1 || partitions < 1 || badEvery < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--captures must be at least 10, --instances and --partitions at least 1, --kills and --bad-every not negative");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        Files.createDirectories(out);
        settings = options.chosen(model);
        stdout.printf("segline soak: %d captures, %d instance(s), %d kill(s), %d partitions; logs in %s%n", captures, instances, kills,
                partitions, out.toAbsolutePath());
        stdout.flush();
        Random random = new Random(seed);
        List<byte[]> paintings = paintings();
        SeglineConfig defaults = SeglineConfig.of(settings);
        int maxMessage = defaults.getInt(Keys.MAX_RECORD_BYTES) + 2 * 1024 * 1024;
        List<Instance> line = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.startProcess(maxMessage, List.of(BenchCommand.DEFAULT_BROKER_JVM.split(" ")));
                ApicurioRegistry registry = ApicurioRegistry.start()) {
            Map<String, String> values = new LinkedHashMap<>(settings);
            values.put(SeglineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            values.put(SeglineConfig.SCHEMA_REGISTRY_URL, registry.url());
            values.putIfAbsent(Keys.APPLICATION_ID, "segline-soak");
            values.putIfAbsent(Keys.COMMIT_INTERVAL_MS, "1000");
            // A member that does not come back is noticed after this long; a restarted static member takes its place at once.
            values.putIfAbsent("session.timeout.ms", "15000");
            values.putIfAbsent("heartbeat.interval.ms", "3000");
            SeglineConfig config = SeglineConfig.of(values);
            TopicAdmin.createTopics(config, partitions, (short) 1);
            Topics topics = Topics.from(config);
            for (int i = 0; i < instances; i++) {
                Instance instance = new Instance(i, config);
                line.add(instance);
                instance.start();
            }
            int[] sentPerPartition = produce(config, topics, paintings);
            Seen seen = new Seen(partitions, sentPerPartition);
            List<Recovery> recoveries = new ArrayList<>();
            long t0 = System.nanoTime();
            long deadline = t0 + timeout.toNanos();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(config, topics)) {
                for (int k = 0; k < kills && System.nanoTime() < deadline; k++) {
                    int target = (int) ((long) (k + 1) * captures / (kills + 1));
                    while (seen.total < target && System.nanoTime() < deadline) {
                        poll(consumer, topics, seen);
                    }
                    if (k == kills / 2 && !brokerBounce.isZero()) {
                        long downAt = System.nanoTime();
                        kafka.bounce(brokerBounce);
                        Recovery r = awaitRecovery(consumer, topics, seen, 0, -1, downAt, deadline);
                        recoveries.add(r);
                        stdout.printf("broker bounce (down %.0f s) at %d/%d outcomes: every partition with work delivered again %.1f s after"
                                + " it went down%n", brokerBounce.toMillis() / 1000.0, seen.total, captures, r.seconds());
                        stdout.flush();
                    }
                    Instance victim = line.get(random.nextInt(line.size()));
                    long killedAt = System.nanoTime();
                    victim.kill();
                    victim.start();
                    recoveries.add(awaitRecovery(consumer, topics, seen, k + 1, victim.index, killedAt, deadline));
                    Recovery r = recoveries.get(recoveries.size() - 1);
                    stdout.printf("kill %d of instance %d at %d/%d outcomes: every partition with work delivered again after %.1f s"
                            + " (first result after %.1f s, %d partition(s) waiting)%n", r.kill(), r.victim(), seen.total, captures,
                            r.seconds(), r.firstResultSeconds(), r.partitionsWaiting());
                    stdout.flush();
                }
                while (seen.total < captures && System.nanoTime() < deadline) {
                    poll(consumer, topics, seen);
                }
                // Anything committed late (a duplicate) would arrive now.
                long settle = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < settle) {
                    poll(consumer, topics, seen);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return report(stdout, seen, recoveries, seconds);
        } finally {
            for (Instance instance : line) {
                instance.stop();
            }
        }
    }

    private List<byte[]> paintings() throws IOException {
        // Fifty distinct paintings, sent again under new ids: the model's work per capture is the same, generating is not.
        ThangkaSynth synth = new ThangkaSynth(size.width(), size.height());
        List<byte[]> pngs = new ArrayList<>();
        for (int i = 0; i < Math.min(50, captures); i++) {
            Painting p = synth.generate(seed, i, "mixed");
            try (ByteArrayOutputStream bytes = new ByteArrayOutputStream()) {
                ImageIO.write(p.image(), "png", bytes);
                pngs.add(bytes.toByteArray());
            }
        }
        return pngs;
    }

    private String id(int i) {
        return String.format("soak-%06d", i);
    }

    private boolean bad(int i) {
        return badEvery > 0 && i % badEvery == badEvery - 1;
    }

    /** Sends every capture (the bad ones as raw text bytes); returns how many went to each partition. */
    private int[] produce(SeglineConfig config, Topics topics, List<byte[]> paintings) {
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        int[] perPartition = new int[partitions];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < captures; i++) {
                String id = id(i);
                byte[] value;
                if (bad(i)) {
                    value = ("not an image: capture " + id).getBytes(StandardCharsets.UTF_8);
                } else {
                    ImageCaptured capture = ImageCaptured.newBuilder().setImageId(id).setLineId("soak").setScannerId("soak")
                            .setCapturedAt(Instant.now()).setCaption("A thangka of a seated deity on a lotus, with a halo.")
                            .setImage(InlineImage.newBuilder().setData(ByteBuffer.wrap(paintings.get(i % paintings.size()))).build())
                            .setContentType("image/png").build();
                    value = topics.images().valueSerde().serializer().serialize(topics.images().name(), capture);
                }
                byte[] key = id.getBytes(StandardCharsets.UTF_8);
                int partition = partitionOf(key);
                perPartition[partition]++;
                producer.send(new ProducerRecord<>(topics.images().name(), partition, key, value));
            }
            producer.flush();
        }
        return perPartition;
    }

    /** The partition the line reads a capture from: Kafka's default for the key, written down so results can be traced back. */
    private int partitionOf(byte[] key) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    private KafkaConsumer<byte[], byte[]> consumer(SeglineConfig config, Topics topics) {
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : List.of(topics.masks().name(), topics.deadLetters().name())) {
            consumer.partitionsFor(topic).forEach(p -> all.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(all);
        consumer.seekToBeginning(all);
        return consumer;
    }

    private void poll(KafkaConsumer<byte[], byte[]> consumer, Topics topics, Seen seen) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            String imageId;
            if (record.topic().equals(topics.masks().name())) {
                SegmentationResult result = topics.masks().valueSerde().deserializer().deserialize(record.topic(), record.value());
                imageId = result.getImageId();
            } else {
                DeadLetter letter = topics.deadLetters().valueSerde().deserializer().deserialize(record.topic(), record.value());
                imageId = letter.getImageId() != null ? letter.getImageId()
                        : letter.getOriginalKey() == null ? null : StandardCharsets.UTF_8.decode(letter.getOriginalKey().duplicate()).toString();
            }
            if (imageId == null) {
                continue;
            }
            int count = seen.outcomes.merge(imageId, 1, Integer::sum);
            int partition = partitionOf(imageId.getBytes(StandardCharsets.UTF_8));
            seen.lastAt[partition] = System.nanoTime();
            if (count == 1) {
                seen.total++;
                seen.pending[partition]--;
            }
        }
    }

    private Recovery awaitRecovery(KafkaConsumer<byte[], byte[]> consumer, Topics topics, Seen seen, int kill, int victim, long killedAt,
            long deadline) {
        List<Integer> waiting = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            if (seen.pending[p] > 0) {
                waiting.add(p);
            }
        }
        long first = -1;
        long last = killedAt;
        List<Integer> left = new ArrayList<>(waiting);
        int totalBefore = seen.total;
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            poll(consumer, topics, seen);
            if (first < 0 && seen.total > totalBefore) {
                first = System.nanoTime();
            }
            // A partition has recovered with its first committed outcome after the kill (stamped at the poll that read it).
            for (java.util.Iterator<Integer> it = left.iterator(); it.hasNext(); ) {
                int p = it.next();
                if (seen.lastAt[p] > killedAt) {
                    last = Math.max(last, seen.lastAt[p]);
                    it.remove();
                }
            }
        }
        return new Recovery(kill, victim, (last - killedAt) / 1e9, first < 0 ? Double.NaN : (first - killedAt) / 1e9, waiting.size());
    }

    private int report(PrintWriter stdout, Seen seen, List<Recovery> recoveries, double seconds) throws IOException {
        List<String> lost = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        int letters = 0;
        for (int i = 0; i < captures; i++) {
            int n = seen.outcomes.getOrDefault(id(i), 0);
            if (n == 0) {
                lost.add(id(i));
            } else if (n > 1) {
                duplicated.add(id(i));
            }
            if (bad(i)) {
                letters++;
            }
        }
        List<Recovery> afterKills = recoveries.stream().filter(r -> r.victim() >= 0).toList();
        // A kill that found no partition with work left has nothing to recover; it does not count in the figures.
        List<Recovery> measured = afterKills.stream().filter(r -> r.partitionsWaiting() > 0).toList();
        double worst = measured.stream().mapToDouble(Recovery::seconds).max().orElse(Double.NaN);
        double[] sorted = measured.stream().mapToDouble(Recovery::seconds).sorted().toArray();
        double median = sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
        stdout.printf("%n%d captures (%d of them bad), %d outcomes read committed in %.0f s: %d lost, %d duplicated%n", captures, letters,
                seen.outcomes.values().stream().mapToInt(Integer::intValue).sum(), seconds, lost.size(), duplicated.size());
        stdout.printf("Recovery after a kill (every partition with work delivering again): median %.1f s, worst %.1f s over %d kill(s)%s%n",
                median, worst, measured.size(), measured.size() == afterKills.size() ? ""
                : " (" + (afterKills.size() - measured.size()) + " more came when no partition had work left)");
        if (!lost.isEmpty()) {
            stdout.println("Lost: " + String.join(", ", lost.subList(0, Math.min(20, lost.size()))) + (lost.size() > 20 ? ", ..." : ""));
        }
        if (!duplicated.isEmpty()) {
            stdout.println("Duplicated: " + String.join(", ", duplicated.subList(0, Math.min(20, duplicated.size()))));
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("captures", captures).put("bad", letters).put("instances", instances).put("partitions", partitions)
                .put("staticMembership", !dynamicMembership).put("seconds", seconds).put("lost", lost.size())
                .put("duplicated", duplicated.size()).put("recoveryMedianSeconds", median).put("recoveryWorstSeconds", worst);
        var kills = json.putArray("kills");
        afterKills.forEach(r -> kills.addObject().put("kill", r.kill()).put("instance", r.victim()).put("seconds", r.seconds())
                .put("firstResultSeconds", r.firstResultSeconds()).put("partitionsWaiting", r.partitionsWaiting()));
        recoveries.stream().filter(r -> r.victim() < 0).findFirst().ifPresent(r -> json.putObject("brokerBounce")
                .put("downSeconds", brokerBounce.toMillis() / 1000.0).put("recoverySeconds", r.seconds()));
        Files.writeString(out.resolve("soak.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        stdout.println(json);
        stdout.flush();
        return lost.isEmpty() && duplicated.isEmpty() ? 0 : 1;
    }
}

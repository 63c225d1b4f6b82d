package io.segline.streams;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) in this JVM, listening on
 * localhost, for {@code segline demo} and the integration tests. Internal topics use replication
 * factor 1 and transactions work, so exactly-once runs against it as against a real cluster.
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** The line a child broker prints once it serves requests, followed by its bootstrap servers. */
    static final String READY = "segline-kafka-ready ";
    /** The line a child broker prints when a bounce is over and it serves requests again. */
    static final String BOUNCED = "segline-kafka-bounced";
    /** What the parent writes to a child broker to bounce it: the word and the seconds to stay down. */
    static final String BOUNCE = "bounce ";

    private final String bootstrapServers;
    private final AutoCloseable stop;
    /** Bounces the broker (stays down for the given time); null where the broker cannot be bounced. */
    private final java.util.function.Consumer<java.time.Duration> bounce;
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(String bootstrapServers, AutoCloseable stop, java.util.function.Consumer<java.time.Duration> bounce,
            KafkaClusterTestKit cluster) {
        this.bootstrapServers = bootstrapServers;
        this.stop = stop;
        this.bounce = bounce;
        this.cluster = cluster;
    }

    /**
     * The settings of a one-node cluster for records up to {@code maxMessageBytes}: internal topics with one
     * replica, no initial rebalance delay, no topics created by accident.
     */
    public static KafkaClusterTestKit.Builder singleNode(KafkaClusterTestKit.Builder builder, int maxMessageBytes) {
        return builder
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "4")
                .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("message.max.bytes", String.valueOf(maxMessageBytes))
                .setConfigProp("replica.fetch.max.bytes", String.valueOf(maxMessageBytes))
                .setConfigProp("num.partitions", "1")
                .setConfigProp("auto.create.topics.enable", "false");
    }

    /** Formats the cluster's storage, starts it and waits until its broker serves requests. */
    public static void startQuietly(KafkaClusterTestKit cluster) throws Exception {
        // Formatting prints its bootstrap metadata to standard output; that is noise for a CLI user.
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(stdout);
        }
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    /** Starts a broker that accepts records up to {@code maxMessageBytes}; returns once it serves requests. */
    public static EmbeddedKafka start(int maxMessageBytes) {
        try {
            Path dir = Files.createTempDirectory("segline-kafka-");
            KafkaClusterTestKit cluster = singleNode(new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    .build())
                    .setDeleteOnClose(true), maxMessageBytes)
                    .build();
            startQuietly(cluster);
            return new EmbeddedKafka(cluster.bootstrapServers(), cluster, null, cluster);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    /**
     * The same broker in a child JVM started with {@code jvmOptions}, so that its heap, GC and JIT are its own, as a
     * real cluster's are. The child stops when this is closed or when this JVM exits (it watches its standard input).
     */
    public static EmbeddedKafka startProcess(int maxMessageBytes, java.util.List<String> jvmOptions) {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), EmbeddedKafka.class.getName(),
                String.valueOf(maxMessageBytes)));
        Process child;
        Path log;
        try {
            log = Files.createTempFile("segline-kafka-", ".log");
            child = new ProcessBuilder(command).redirectError(log.toFile()).start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Could not start a broker process: " + e.getMessage(), e);
        }
        AutoCloseable stop = () -> {
            child.getOutputStream().close();
            if (!child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(log);
        };
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            java.io.PrintStream in = new java.io.PrintStream(child.getOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8);
            java.util.concurrent.BlockingQueue<String> acks = new java.util.concurrent.LinkedBlockingQueue<>();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(READY)) {
                    // Keep draining its output so that the child never blocks on a full pipe; pass on bounce acknowledgements.
                    Thread drain = new Thread(() -> out.lines().filter(l -> l.startsWith(BOUNCED)).forEach(acks::add), "segline-kafka-output");
                    drain.setDaemon(true);
                    drain.start();
                    java.util.function.Consumer<java.time.Duration> bounce = down -> {
                        in.println(BOUNCE + down.toMillis());
                        try {
                            if (acks.poll(down.toMillis() + 120_000, java.util.concurrent.TimeUnit.MILLISECONDS) == null) {
                                throw new IllegalStateException("The broker did not come back within 2 minutes of its bounce; its log is " + log);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("Interrupted while the broker was bouncing", e);
                        }
                    };
                    return new EmbeddedKafka(line.substring(READY.length()).trim(), stop, bounce, null);
                }
            }
            throw new IllegalStateException("The broker process exited before serving (exit code " + child.waitFor()
                    + "); its log is " + log);
        } catch (java.io.IOException | InterruptedException | RuntimeException e) {
            child.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IllegalStateException ise ? ise : new IllegalStateException("Could not start a broker process: " + e, e);
        }
    }

    /**
     * A child broker ({@link #startProcess}): argument the largest message in bytes. Stops at the end of standard input;
     * a line {@code bounce MILLIS} on it shuts the broker down, waits that long and starts it again on the same port and logs.
     */
    public static void main(String[] args) throws Exception {
        try (EmbeddedKafka kafka = start(Integer.parseInt(args[0]))) {
            System.out.println(READY + kafka.bootstrapServers());
            System.out.flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(BOUNCE)) {
                    kafka.bounceInProcess(java.time.Duration.ofMillis(Long.parseLong(line.substring(BOUNCE.length()).trim())));
                    System.out.println(BOUNCED);
                    System.out.flush();
                }
            }
        }
        System.exit(0);
    }

    /** Shuts the broker down (the controller stays up), keeps it down for {@code down}, and starts it again. */
    private void bounceInProcess(java.time.Duration down) throws Exception {
        for (kafka.server.BrokerServer broker : cluster.brokers().values()) {
            broker.shutdown();
            broker.awaitShutdown();
        }
        Thread.sleep(down.toMillis());
        for (kafka.server.BrokerServer broker : cluster.brokers().values()) {
            broker.startup();
        }
        cluster.waitForReadyBrokers();
    }

    /**
     * Bounces a broker started with {@link #startProcess}: it goes down at once, stays down for {@code down}, and this
     * returns once it serves requests again. Clients see a broker restart, as in a rolling restart of a cluster.
     */
    public void bounce(java.time.Duration down) {
        if (bounce == null) {
            throw new UnsupportedOperationException("Only a broker in a child process (startProcess) can be bounced");
        }
        bounce.accept(down);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Client settings for this broker. */
    public Map<String, Object> clientProperties() {
        return Map.of("bootstrap.servers", bootstrapServers());
    }

    @Override
    public void close() {
        try {
            stop.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the embedded Kafka broker cleanly", e);
        }
    }
}

package io.segline.line;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.streams.Parallelism;
import io.segline.streams.internals.DeadLetterHandlers;
import io.segline.topics.Topics;
import io.segline.tracing.Tracing;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the topology: the Kafka Streams properties for image-sized records under exactly-once, start and stop. */
public final class StreamsRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamsRunner.class);


    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Tracing tracing;
    private final boolean ownsTracing;

    /** A line with the tracing its configuration asks for ({@code segline.tracing.*}). */
    public StreamsRunner(SeglineConfig config) {
        this(config, Tracing.from(config), true);
    }

    /** A line whose spans go to {@code tracing} (tests hand in an in-memory exporter); the caller closes it. */
    public StreamsRunner(SeglineConfig config, Tracing tracing) {
        this(config, tracing, false);
    }

    private StreamsRunner(SeglineConfig config, Tracing tracing, boolean ownsTracing) {
        this.tracing = tracing;
        this.ownsTracing = ownsTracing;
        Topics topics = Topics.from(config);
        Parallelism parallelism = Parallelism.of(config);
        log.info("segline segments with {} stream thread(s), {} intra-op thread(s) per model ({}); the images topic needs at least as"
                + " many partitions across all instances to keep them busy", parallelism.streamThreads(),
                parallelism.modelThreads() == 0 ? "default" : parallelism.modelThreads(), parallelism.reason());
        Properties props = streamsProperties(config);
        // The processors find the instance's tracing in their application configuration.
        props.put(Tracing.CONFIG_KEY, tracing);
        this.streams = new KafkaStreams(LineTopology.build(topics, config), props);
        streams.setUncaughtExceptionHandler(StreamsRunner::onThreadFailure);
        String images = topics.images().name();
        streams.setStateListener((now, before) -> {
            log.info("segline streams {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                warnOfIdleModels(images);
            }
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
    }

    /** Pause before a thread that stopped on a registry outage is replaced, so an outage does not spin. */
    static final Duration OUTAGE_BACKOFF = Duration.ofSeconds(5);

    /**
     * A registry outage (a deployment problem, not bad data) pauses the line: the failed thread's open
     * transaction is aborted, and after a pause a new thread takes its tasks and redoes the uncommitted
     * work, so nothing is lost or duplicated. Any other failure stops this instance loudly.
     */
    static StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onThreadFailure(Throwable error) {
        if (io.segline.streams.internals.DeadLetterHandlers.isOutage(error)) {
            log.error("SCHEMA REGISTRY UNAVAILABLE: the line is paused; a stream thread stopped and is replaced in {} s, its uncommitted"
                    + " work is redone once the registry answers. Check schema.registry.url and the registry. Cause: {}",
                    OUTAGE_BACKOFF.toSeconds(), rootMessage(error));
            try {
                Thread.sleep(OUTAGE_BACKOFF.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        log.error("segline stream thread failed; shutting down this instance", error);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private void warnOfIdleModels(String images) {
        try {
            java.util.Map<String, Integer> partitions = new java.util.TreeMap<>();
            for (org.apache.kafka.streams.ThreadMetadata thread : streams.metadataForLocalThreads()) {
                int n = 0;
                for (org.apache.kafka.streams.TaskMetadata task : thread.activeTasks()) {
                    n += (int) task.topicPartitions().stream().filter(tp -> tp.topic().equals(images)).count();
                }
                partitions.put(thread.threadName(), n);
            }
            String warning = Parallelism.idleModels(partitions);
            if (warning != null) {
                log.warn("{}", warning);
            }
        } catch (RuntimeException e) {
            log.debug("Could not read the stream threads' assignment", e);
        }
    }

    /**
     * Kafka Streams properties: exactly-once v2, the dead-letter handlers, and producer and consumer sizes
     * set together for image records ({@code segline.max.record.bytes} plus an envelope). Client settings
     * from the configuration (security, timeouts...) are passed through and win over these defaults.
     */
    public static Properties streamsProperties(SeglineConfig config) {
        int recordBytes = config.getInt(Keys.MAX_RECORD_BYTES) + Topics.ENVELOPE_BYTES;
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.require(Keys.APPLICATION_ID));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        long commitInterval = config.getLong(Keys.COMMIT_INTERVAL_MS);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval);
        // A transaction stays open for a whole commit interval; the timeout must leave room beyond it.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), (int) Math.max(10_000, commitInterval + 10_000));
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Deserialization.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Processing.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Production.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // The batch buffer's changelog holds whole captures (base64 in JSON, about 4/3 of their size).
        int internalRecordBytes = (int) Math.min(Integer.MAX_VALUE, recordBytes * 3L / 2);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), internalRecordBytes);
        props.put(StreamsConfig.topicPrefix(org.apache.kafka.common.config.TopicConfig.MAX_MESSAGE_BYTES_CONFIG), internalRecordBytes);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // Small polls bound the work between polls well under max.poll.interval.ms, even for slow models.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), config.getInt(Keys.MAX_POLL_RECORDS));
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), internalRecordBytes);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), Math.max(internalRecordBytes, 52428800));
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), (int) Duration.ofMinutes(10).toMillis());
        config.values().forEach(props::put);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Parallelism.of(config).streamThreads());
        return props;
    }

    public void start() {
        streams.start();
    }

    /** The Kafka Streams client, for interactive queries and metrics. */
    public KafkaStreams streams() {
        return streams;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Blocks until the instance stops (after {@link #close} or a fatal error). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        stopped.countDown();
        if (ownsTracing) {
            tracing.close();
        }
    }
}

package io.segline.cli;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.streams.StreamsRunner;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Runs the line against a cluster until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the segmentation line against a Kafka cluster and a schema registry until stopped (Ctrl-C or SIGTERM).",
                "Reads captures from the images topic, writes masks, quality reports and dead letters, exactly once.",
                "Start more instances with the same segline.application.id to share the work; the topics' partitions set the"
                        + " maximum parallelism. Create the topics first with 'segline topics create'."})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SeglineConfig config = connection.config();
        StreamsRunner runner = new StreamsRunner(config);
        Thread hook = new Thread(runner::close, "segline-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("segline %s: %s -> %s, %s, dead letters %s (segmenter %s, enrichment %s, refiner %s)%n",
                config.require(Keys.APPLICATION_ID), config.topic(Keys.TOPIC_IMAGES), config.topic(Keys.TOPIC_MASKS),
                config.topic(Keys.TOPIC_QUALITY), config.topic(Keys.TOPIC_DLQ), config.require(Keys.SEGMENTER),
                config.require(Keys.ENRICHMENT), config.require(Keys.REFINER));
        out.flush();
        runner.start();
        runner.awaitStop();
        boolean failed = runner.state() == org.apache.kafka.streams.KafkaStreams.State.ERROR;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Shutting down already; the hook closes the runner.
        }
        runner.close();
        return failed ? 1 : 0;
    }
}

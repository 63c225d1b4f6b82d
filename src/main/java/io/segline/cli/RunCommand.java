package io.segline.cli;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.line.StreamsRunner;
import io.segline.monitor.HttpApi;
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
                        + " maximum parallelism. Create the topics first with 'segline topics create'.",
                "Serves a read-only dashboard, JSON API and Prometheus /metrics on segline.http.bind:segline.http.port"
                        + " (default 127.0.0.1:8080; port -1 turns it off, 0 picks a free one)."})
public final class RunCommand implements Callable<Integer> {
    private static final java.time.Duration PREFLIGHT_TIMEOUT = java.time.Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        java.util.Map<String, String> chosen = new java.util.LinkedHashMap<>();
        model.putInto(chosen);
        SeglineConfig config = connection.config(chosen);
        // Every stage setting is checked before anything is bound or connected, so a typo fails first and alone.
        io.segline.streams.SeglineTopology.Stages stages = io.segline.streams.SeglineTopology.Stages.from(config);
        // Then credentials and certificates, before a port is bound or the model loads: a wrong password or an
        // untrusted certificate fails here with the setting to fix, not later in a stream thread's retries.
        io.segline.streams.Preflight.check(config, PREFLIGHT_TIMEOUT);
        int port = config.getInt(Keys.HTTP_PORT);
        String tokenEnv = config.require(Keys.HTTP_AUTH_TOKEN_ENV);
        String token = ConnectionOptions.environment.get().get(tokenEnv);
        if (port >= 0) {
            try {
                HttpApi.checkBinding(config.require(Keys.HTTP_BIND), token, config.getBoolean(Keys.HTTP_INSECURE), tokenEnv);
            } catch (IllegalArgumentException e) {
                throw new org.apache.kafka.common.config.ConfigException(e.getMessage());
            }
        }
        HttpApi api = port < 0 ? null : HttpApi.start(config.require(Keys.HTTP_BIND), port, config.get(Keys.HTTP_ADVERTISED), token);
        if (api != null) {
            // Other instances forward interactive queries here.
            config = config.with(java.util.Map.of(org.apache.kafka.streams.StreamsConfig.APPLICATION_SERVER_CONFIG, api.advertised()));
        }
        StreamsRunner runner = new StreamsRunner(config);
        if (api != null) {
            api.attach(runner.streams());
            out.printf("Dashboard and API on http://%s:%d/ (metrics at /metrics, probes at /health/live and /health/ready)%s%n",
                    config.require(Keys.HTTP_BIND), api.port(), token == null || token.isEmpty() ? ""
                    : "; requests need the bearer token from " + tokenEnv + " (in a browser: open the page with #token=<token>)");
        }
        Thread hook = new Thread(() -> {
            runner.close();
            if (api != null) {
                api.close();
            }
        }, "segline-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("segline %s: %s -> %s, %s, dead letters %s (segmenter %s, enrichment %s, refiner %s)%n",
                config.require(Keys.APPLICATION_ID), config.topic(Keys.TOPIC_IMAGES), config.topic(Keys.TOPIC_MASKS),
                config.topic(Keys.TOPIC_QUALITY), config.topic(Keys.TOPIC_DLQ), config.require(Keys.SEGMENTER),
                config.require(Keys.ENRICHMENT), config.require(Keys.REFINER));
        out.flush();
        // The model is loaded and run once before the stream threads join the group: a restarted instance takes its
        // partitions back ready to segment, instead of holding them while native libraries load.
        out.printf("Model warmed up in %.1f s%n", stages.warmUp().toMillis() / 1000.0);
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
        if (api != null) {
            api.close();
        }
        return failed ? 1 : 0;
    }
}

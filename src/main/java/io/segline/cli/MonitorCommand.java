package io.segline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.segline.config.SeglineConfig;
import io.segline.monitor.LineBoard;
import io.segline.records.Alert;
import io.segline.records.AlertState;
import io.segline.records.LineHealth;
import io.segline.records.Severity;
import io.segline.topics.Topics;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Line health in the terminal. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"Shows the health of every line in the terminal, refreshing in place: the latest closed window"
                + " (images, results, dead letters, latency p50/p95, verdicts, confidence, sharpness, colour cast) and the"
                + " open alerts, read from the line-health and alerts topics.", "Ctrl-C to stop."})
public final class MonitorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Option(names = "--since", defaultValue = "PT1H", description = "How far back to read windows and alerts (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration since;

    @Option(names = "--refresh", defaultValue = "PT2S", description = "Redraw interval (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration refresh;

    @Option(names = "--once", description = "Print the board once, after reading what is there, and exit (for scripts).")
    boolean once;

    @Option(names = "--api", paramLabel = "URL",
            description = "Read the live state (windows still open included) from a running line's HTTP API, e.g."
                    + " http://127.0.0.1:8080, instead of the closed windows on the topics; needs no Kafka settings. A line that"
                    + " wants a token gets the one in SEGLINE_HTTP_TOKEN (or the variable --token-env names).")
    URI api;

    @Option(names = "--token-env", paramLabel = "NAME", defaultValue = "SEGLINE_HTTP_TOKEN",
            description = "With --api: the environment variable holding the API's bearer token (default: ${DEFAULT-VALUE}).")
    String tokenEnv;

    @Override
    public Integer call() throws Exception {
        if (api != null) {
            return fromApi();
        }
        SeglineConfig config = connection.config();
        Topics topics = Topics.from(config);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        LineBoard board = new LineBoard();
        AtomicBoolean stop = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.set(true), "segline-monitor-stop"));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.lineHealth().name(), topics.alerts().name())) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> from = new HashMap<>();
            partitions.forEach(p -> from.put(p, System.currentTimeMillis() - since.toMillis()));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(from);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp offset = offsets.get(p);
                consumer.seek(p, offset == null ? end.get(p) : offset.offset());
            }
            long nextDraw = 0;
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(topics.lineHealth().name())) {
                        board.add(topics.lineHealth().valueSerde().deserializer().deserialize(record.topic(), record.value()));
                    } else {
                        board.add(topics.alerts().valueSerde().deserializer().deserialize(record.topic(), record.value()));
                    }
                }
                boolean caughtUp = end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                if (once && caughtUp) {
                    out.print(board.render());
                    out.flush();
                    return 0;
                }
                if (!once && System.currentTimeMillis() >= nextDraw) {
                    out.print("\033[H\033[2J");
                    out.println("segline monitor - " + java.time.Instant.now().toString().substring(0, 19) + "Z  (Ctrl-C to stop)");
                    out.print(board.render());
                    out.flush();
                    nextDraw = System.currentTimeMillis() + refresh.toMillis();
                }
            }
        }
        return 0;
    }

    private int fromApi() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        HttpClient http = HttpClient.newHttpClient();
        AtomicBoolean stop = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.set(true), "segline-monitor-stop"));
        URI lines = api.resolve("/api/lines");
        String token = ConnectionOptions.environment.get().get(tokenEnv);
        while (!stop.get()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(lines).timeout(Duration.ofSeconds(5));
            if (token != null && !token.isEmpty()) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() == 401) {
                throw new IllegalStateException(lines + " wants a bearer token: put the line's token in " + tokenEnv);
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException(lines + " answered " + response.statusCode() + ": " + body.path("error").asText());
            }
            LineBoard board = new LineBoard();
            for (JsonNode line : body.path("lines")) {
                board.add(lineHealth(line));
                for (JsonNode alert : line.path("openAlerts")) {
                    board.add(Alert.newBuilder().setAlertId(alert.path("alertId").asText()).setLineId(line.path("lineId").asText())
                            .setRule(alert.path("rule").asText()).setSeverity(Severity.WARNING).setState(AlertState.RAISED)
                            .setAt(Instant.now()).setMessage(alert.path("rule").asText() + " is open").build());
                }
            }
            if (!once) {
                out.print("\033[H\033[2J");
                out.println("segline monitor - " + api + " - last " + body.path("recentMinutes").asInt() + " min  (Ctrl-C to stop)");
            }
            out.print(board.render());
            out.flush();
            if (once) {
                return 0;
            }
            Thread.sleep(refresh.toMillis());
        }
        return 0;
    }

    /** The line's last {@code recentMinutes} as one window, as the API sums them. */
    private static LineHealth lineHealth(JsonNode line) {
        JsonNode windows = line.path("windows");
        JsonNode last = windows.size() == 0 ? JSON.createObjectNode() : windows.get(windows.size() - 1);
        java.util.Map<String, Long> verdicts = new java.util.LinkedHashMap<>();
        line.path("verdicts").fields().forEachRemaining(e -> verdicts.put(e.getKey(), e.getValue().asLong()));
        java.util.Map<String, Double> qc = new java.util.LinkedHashMap<>();
        last.path("captureQcMeans").fields().forEachRemaining(e -> qc.put(e.getKey(), e.getValue().asDouble()));
        Instant end = last.hasNonNull("windowEnd") ? Instant.parse(last.get("windowEnd").asText()) : Instant.now();
        return LineHealth.newBuilder()
                .setLineId(line.path("lineId").asText())
                .setWindowStart(last.hasNonNull("windowStart") ? Instant.parse(last.get("windowStart").asText()) : end)
                .setWindowEnd(end)
                .setImages(line.path("images").asLong())
                .setResults(line.path("results").asLong())
                .setDeadLetters(line.path("deadLetters").asLong())
                .setLatencyP50Ms(last.hasNonNull("latencyP50Ms") ? last.get("latencyP50Ms").asDouble() : null)
                .setLatencyP95Ms(last.hasNonNull("latencyP95Ms") ? last.get("latencyP95Ms").asDouble() : null)
                .setVerdictCounts(verdicts)
                .setMeanConfidence(line.hasNonNull("meanConfidence") ? line.get("meanConfidence").asDouble() : null)
                .setCaptureQcMeans(qc)
                .build();
    }
}

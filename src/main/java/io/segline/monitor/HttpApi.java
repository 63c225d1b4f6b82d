package io.segline.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only HTTP API and dashboard of a running line, on the JDK's built-in HTTP server (module
 * {@code jdk.httpserver}: maintained with the JDK, no dependency to add).
 *
 * <ul>
 * <li>{@code GET /}: the dashboard, a single page that refreshes itself;</li>
 * <li>{@code GET /api/lines}: every line over the last {@value #RECENT_MINUTES} minutes (images, results,
 *     dead letters, latency, verdicts, confidence, capture QC, open alerts, latest images);</li>
 * <li>{@code GET /api/lines/{lineId}}: one line with its recent windows;</li>
 * <li>{@code GET /api/images/{imageId}} and {@code .../overlay.png}: the latest result of an image, answered by
 *     whichever instance holds it (interactive queries, forwarded over HTTP);</li>
 * <li>{@code GET /metrics}: Prometheus text format, segline's meters and Kafka Streams' client metrics;</li>
 * <li>{@code GET /health/live}: 200 while the process serves; {@code GET /health/ready}: 200 only while the
 *     line's stream threads are RUNNING (503 otherwise, with the state), for orchestrators' probes.</li>
 * </ul>
 * Lines and latest images are gathered from every instance of the application; {@code ?local=true} asks
 * one instance for its own part only.
 *
 * <p>With a token ({@code segline.http.auth.token.env} names the environment variable that holds it) every
 * request but the health probes and the dashboard's static page must carry {@code Authorization: Bearer
 * <token>} (compared in constant time; 401 otherwise), and instances forward queries to each other with it.
 * Without one the server binds to loopback only, unless {@code segline.http.insecure=true} says the network
 * is trusted ({@link #checkBinding}).
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int RECENT_MINUTES = 15;

    private final HttpServer server;
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String advertisedHost;
    private final byte[] token;
    private volatile KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;

    private HttpApi(HttpServer server, String advertisedHost, String token) {
        this.server = server;
        this.advertisedHost = advertisedHost;
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        Metrics.addRegistry(prometheus);
    }

    /** Binds the server without a token (port 0: any free port); the streams client is attached once it exists. */
    public static HttpApi start(String bind, int port, String advertisedHost) {
        return start(bind, port, advertisedHost, null);
    }

    /**
     * Refuses to serve without a token on an address other hosts can reach, unless told the network is
     * trusted: the API shows captions, line ids and paintings.
     */
    public static void checkBinding(String bind, String token, boolean insecure, String tokenEnv) {
        if ((token == null || token.isEmpty()) && !insecure && !isLoopback(bind)) {
            throw new IllegalArgumentException("segline.http.bind=" + bind + " is reachable from other hosts, and no API token is set: put one"
                    + " in the environment variable " + tokenEnv + " (segline.http.auth.token.env names it), bind to 127.0.0.1, or set"
                    + " segline.http.insecure=true if the network is trusted");
        }
    }

    private static boolean isLoopback(String bind) {
        try {
            return java.net.InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** As {@link #start(String, int, String)}, with the bearer token every data request must carry (null: none). */
    public static HttpApi start(String bind, int port, String advertisedHost, String token) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 0);
            HttpApi api = new HttpApi(server, advertisedHost == null || advertisedHost.isBlank() ? bind : advertisedHost, token);
            server.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "segline-http");
                t.setDaemon(true);
                return t;
            }));
            server.createContext("/", api::handle);
            server.start();
            return api;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve HTTP on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** host:port under which other instances reach this one ({@code application.server}). */
    public String advertised() {
        return advertisedHost + ":" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Starts answering queries from this streams client and exposes its metrics. */
    public void attach(KafkaStreams kafkaStreams) {
        this.streams = kafkaStreams;
        this.streamsMetrics = new KafkaStreamsMetrics(kafkaStreams);
        streamsMetrics.bindTo(prometheus);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain", "read-only: GET only".getBytes(StandardCharsets.UTF_8));
                return;
            }
            URI uri = exchange.getRequestURI();
            String path = uri.getPath();
            boolean local = uri.getQuery() != null && uri.getQuery().contains("local=true");
            try {
                if (path.equals("/health/live")) {
                    json(exchange, 200, JSON.createObjectNode().put("status", "live"));
                    return;
                }
                if (path.equals("/health/ready")) {
                    KafkaStreams kafka = streams;
                    String state = kafka == null ? "NOT_STARTED" : kafka.state().name();
                    json(exchange, "RUNNING".equals(state) ? 200 : 503, JSON.createObjectNode().put("state", state));
                    return;
                }
                boolean page = path.equals("/") || path.equals("/index.html");
                if (!page && !authorized(exchange)) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"segline\"");
                    json(exchange, 401, error("a bearer token is required (Authorization: Bearer <token>)"));
                    return;
                }
                if (page) {
                    send(exchange, 200, "text/html; charset=utf-8", resource("dashboard.html"));
                } else if (path.equals("/metrics")) {
                    send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape().getBytes(StandardCharsets.UTF_8));
                } else if (path.equals("/api/lines")) {
                    json(exchange, 200, lines(local, null));
                } else if (path.startsWith("/api/lines/")) {
                    String line = decode(path.substring("/api/lines/".length()));
                    ObjectNode lines = lines(local, line);
                    JsonNode one = lines.path("lines").path(0);
                    if (one.isMissingNode()) {
                        json(exchange, 404, error("no recent windows for line " + line));
                    } else {
                        json(exchange, 200, one);
                    }
                } else if (path.startsWith("/api/images/")) {
                    image(exchange, decode(path.substring("/api/images/".length())), local);
                } else {
                    json(exchange, 404, error("no such resource: " + path));
                }
            } catch (IllegalStateException e) {
                json(exchange, 503, error(e.getMessage()));
            }
        }
    }

    private ObjectNode lines(boolean localOnly, String onlyLine) {
        KafkaStreams kafka = requireRunning();
        Instant now = Instant.now();
        Map<String, ObjectNode> byLine = new TreeMap<>();
        ReadOnlyWindowStore<String, HealthAggregate> windows = kafka.store(StoreQueryParameters.fromNameAndType(
                MonitorTopology.HEALTH_STORE, QueryableStoreTypes.windowStore()));
        try (KeyValueIterator<Windowed<String>, HealthAggregate> all = windows.fetchAll(now.minus(Duration.ofMinutes(RECENT_MINUTES)), now)) {
            while (all.hasNext()) {
                KeyValue<Windowed<String>, HealthAggregate> entry = all.next();
                String line = entry.key.key();
                if (onlyLine != null && !onlyLine.equals(line)) {
                    continue;
                }
                ObjectNode node = byLine.computeIfAbsent(line, HttpApi::emptyLine);
                HealthAggregate a = entry.value;
                node.put("images", node.get("images").asLong() + a.results + a.deadLetters);
                node.put("results", node.get("results").asLong() + a.results);
                node.put("deadLetters", node.get("deadLetters").asLong() + a.deadLetters);
                ObjectNode verdicts = (ObjectNode) node.get("verdicts");
                a.verdicts.forEach((k, v) -> verdicts.put(k, verdicts.path(k).asLong() + v));
                node.put("confidenceSum", node.get("confidenceSum").asDouble() + a.confidenceSum);
                ((ArrayNode) node.get("windows")).add(windowJson(a.toRecord(line, entry.key.window().startTime(),
                        entry.key.window().endTime())));
            }
        }
        ReadOnlyKeyValueStore<String, LineState> alerts = kafka.store(StoreQueryParameters.fromNameAndType(
                AlertProcessor.STORE, QueryableStoreTypes.keyValueStore()));
        ReadOnlyKeyValueStore<String, ImageIndexProcessor.LatestImages> latest = kafka.store(StoreQueryParameters.fromNameAndType(
                ImageIndexProcessor.LATEST_STORE, QueryableStoreTypes.keyValueStore()));
        byLine.forEach((line, node) -> {
            LineState state = alerts.get(line);
            ArrayNode open = node.putArray("openAlerts");
            if (state != null) {
                state.open.forEach((rule, id) -> open.addObject().put("rule", rule).put("alertId", id));
            }
            ImageIndexProcessor.LatestImages images = latest.get(line);
            ArrayNode ids = node.putArray("latestImages");
            if (images != null) {
                images.imageIds().forEach(ids::add);
            }
        });
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("lines");
        if (!localOnly) {
            for (StreamsMetadata other : kafka.metadataForAllStreamsClients()) {
                if (isSelf(other.hostInfo())) {
                    continue;
                }
                JsonNode remote = fetch(other.hostInfo(), onlyLine == null ? "/api/lines?local=true"
                        : "/api/lines/" + onlyLine + "?local=true");
                JsonNode remoteLines = onlyLine == null ? remote.path("lines") : JSON.createArrayNode().add(remote);
                for (JsonNode r : remoteLines) {
                    if (r.hasNonNull("lineId")) {
                        merge(kafka, other.hostInfo(), byLine, (ObjectNode) r);
                    }
                }
            }
        }
        byLine.values().forEach(node -> {
            long results = node.get("results").asLong();
            node.put("meanConfidence", results == 0 ? 0 : node.get("confidenceSum").asDouble() / results);
            node.remove("confidenceSum");
            list.add(node);
        });
        out.put("recentMinutes", RECENT_MINUTES);
        return out;
    }

    private static ObjectNode windowJson(io.segline.records.LineHealth w) {
        ObjectNode node = JSON.createObjectNode()
                .put("windowStart", w.getWindowStart().toString())
                .put("windowEnd", w.getWindowEnd().toString())
                .put("images", w.getImages())
                .put("results", w.getResults())
                .put("deadLetters", w.getDeadLetters());
        putNumber(node, "latencyP50Ms", w.getLatencyP50Ms());
        putNumber(node, "latencyP95Ms", w.getLatencyP95Ms());
        putNumber(node, "latencyP99Ms", w.getLatencyP99Ms());
        putNumber(node, "meanConfidence", w.getMeanConfidence());
        node.set("verdictCounts", JSON.valueToTree(w.getVerdictCounts()));
        node.set("classAreaFractions", JSON.valueToTree(w.getClassAreaFractions()));
        node.set("captureQcMeans", JSON.valueToTree(w.getCaptureQcMeans()));
        return node;
    }

    private static void putNumber(ObjectNode node, String key, Double value) {
        if (value == null) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    private static ObjectNode emptyLine(String line) {
        ObjectNode node = JSON.createObjectNode().put("lineId", line).put("images", 0).put("results", 0).put("deadLetters", 0)
                .put("confidenceSum", 0.0);
        node.putObject("verdicts");
        node.putArray("windows");
        return node;
    }

    /**
     * Adds another instance's view of a line. A line's windows belong to the instance that owns its partition;
     * while partitions move, two instances may both answer for a line, so the owner's counts are kept, and
     * the latest images (kept with the images' own partitions) are pooled.
     */
    private void merge(KafkaStreams kafka, HostInfo from, Map<String, ObjectNode> byLine, ObjectNode remote) {
        String line = remote.get("lineId").asText();
        remote.put("confidenceSum", remote.path("meanConfidence").asDouble() * remote.path("results").asLong());
        remote.remove("meanConfidence");
        ObjectNode mine = byLine.get(line);
        if (mine == null) {
            byLine.put(line, remote);
            return;
        }
        KeyQueryMetadata owner = kafka.queryMetadataForKey(MonitorTopology.HEALTH_STORE, line, Serdes.String().serializer());
        ArrayNode images = JSON.createArrayNode();
        images.addAll((ArrayNode) mine.withArray("latestImages"));
        images.addAll((ArrayNode) remote.withArray("latestImages"));
        if (owner != null && from.equals(owner.activeHost())) {
            byLine.put(line, remote);
            remote.set("latestImages", images);
        } else {
            mine.set("latestImages", images);
        }
    }

    private void image(HttpExchange exchange, String rest, boolean local) throws IOException {
        boolean overlay = rest.endsWith("/overlay.png");
        String imageId = overlay ? rest.substring(0, rest.length() - "/overlay.png".length()) : rest;
        KafkaStreams kafka = requireRunning();
        KeyQueryMetadata where = kafka.queryMetadataForKey(ImageIndexProcessor.IMAGES_STORE, imageId, Serdes.String().serializer());
        if (!local && where != null && where.activeHost() != null && !where.activeHost().equals(HostInfo.unavailable())
                && !isSelf(where.activeHost())) {
            HttpResponse<byte[]> response = forward(where.activeHost(), exchange.getRequestURI().getRawPath() + "?local=true");
            send(exchange, response.statusCode(), response.headers().firstValue("Content-Type").orElse("application/json"), response.body());
            return;
        }
        ReadOnlyKeyValueStore<String, ImageSummary> store = kafka.store(StoreQueryParameters.fromNameAndType(
                ImageIndexProcessor.IMAGES_STORE, QueryableStoreTypes.keyValueStore()));
        ImageSummary summary = store.get(imageId);
        if (summary == null) {
            json(exchange, 404, error("no recent result for image " + imageId));
        } else if (overlay) {
            if (summary.overlayPng() == null) {
                json(exchange, 404, error("no overlay for image " + imageId));
            } else {
                send(exchange, 200, "image/png", Base64.getDecoder().decode(summary.overlayPng()));
            }
        } else {
            json(exchange, 200, JSON.valueToTree(summary));
        }
    }

    private KafkaStreams requireRunning() {
        KafkaStreams kafka = streams;
        if (kafka == null || kafka.state() != KafkaStreams.State.RUNNING) {
            throw new IllegalStateException("the line is not running yet (state " + (kafka == null ? "starting" : kafka.state())
                    + "); try again in a moment");
        }
        return kafka;
    }

    private boolean isSelf(HostInfo host) {
        return host.port() == port() && host.host().equals(advertisedHost);
    }

    private JsonNode fetch(HostInfo host, String pathAndQuery) {
        try {
            HttpResponse<byte[]> response = forward(host, pathAndQuery);
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
        } catch (IOException e) {
            log.warn("Instance {}:{} did not answer {}: {}", host.host(), host.port(), pathAndQuery, e.getMessage());
            return JSON.createObjectNode();
        }
    }

    /** Whether the request carries the token (always, when the API has none); constant-time comparison. */
    private boolean authorized(HttpExchange exchange) {
        if (token == null) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return java.security.MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<byte[]> forward(HostInfo host, String pathAndQuery) throws IOException {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                    .timeout(Duration.ofSeconds(5)).GET();
            if (token != null) {
                request.header("Authorization", "Bearer " + new String(token, StandardCharsets.UTF_8));
            }
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (type.startsWith("text/html")) {
            // The page's own inline script only; images from this server or the blobs the script makes.
            exchange.getResponseHeaders().set("Content-Security-Policy",
                    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' blob:; "
                            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = HttpApi.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        Metrics.removeRegistry(prometheus);
        prometheus.close();
    }
}

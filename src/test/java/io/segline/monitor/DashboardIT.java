package io.segline.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.config.SeglineConfig;
import io.segline.line.StreamsRunner;
import io.segline.testing.TestCluster;
import io.segline.testing.TestImages;
import io.segline.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API, Prometheus metrics and the dashboard of a line running on the embedded broker, behind a
 * bearer token; the dashboard is rendered by Debian's headless Chromium, also with a line id, an image id
 * and a caption that carry HTML and script.
 */
@Tag("integration")
class DashboardIT {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final int IMAGES = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "dashboard-test-token-5f1c";
    /** A line id, image id and caption as an attacker would produce them. */
    private static final String HOSTILE_LINE = "<img src=x onerror=\"document.title='pwned-line'\">";
    private static final String HOSTILE_IMAGE = "x\"><svg onload=\"document.title='pwned-image'\">";
    private static final String HOSTILE_CAPTION = "<script>document.title='pwned-caption'</script>";

    private static HttpApi api;
    private static StreamsRunner line;
    private static String base;

    @BeforeAll
    static void startLineAndProduce() throws Exception {
        api = HttpApi.start("127.0.0.1", 0, "127.0.0.1", TOKEN);
        SeglineConfig config = TestCluster.config("dashboard", Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, api.advertised()));
        line = new StreamsRunner(config);
        api.attach(line.streams());
        line.start();
        base = "http://127.0.0.1:" + api.port();
        Topics topics = Topics.from(config);
        Map<String, byte[]> input = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            String id = "dash-" + i;
            ids.add(id);
            input.put(id, topics.images().valueSerde().serializer().serialize(topics.images().name(),
                    io.segline.records.ImageCaptured.newBuilder(TestImages.inline(id, TestImages.png(i), "Green Tara on a lotus."))
                            .setLineId("line-dash").setCapturedAt(Instant.now()).build()));
        }
        input.put(HOSTILE_IMAGE, topics.images().valueSerde().serializer().serialize(topics.images().name(),
                io.segline.records.ImageCaptured.newBuilder(TestImages.inline(HOSTILE_IMAGE, TestImages.png(9), HOSTILE_CAPTION))
                        .setLineId(HOSTILE_LINE).setCapturedAt(Instant.now()).build()));
        ids.add(HOSTILE_IMAGE);
        TestCluster.produceInterleaved(config, topics.images().name(), input, ids);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && imagesOnDashboardApi() < IMAGES) {
            Thread.sleep(300);
        }
    }

    @AfterAll
    static void stop() {
        if (line != null) {
            line.close();
        }
        if (api != null) {
            api.close();
        }
    }

    private static long imagesOnDashboardApi() {
        try {
            HttpResponse<String> response = get("/api/lines");
            if (response.statusCode() != 200) {
                return 0;
            }
            for (JsonNode node : JSON.readTree(response.body()).path("lines")) {
                if (node.path("lineId").asText().equals("line-dash")) {
                    return node.path("images").asLong();
                }
            }
            return 0;
        } catch (Exception e) {
            return 0;
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int statusWithout(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void shouldAskForTheTokenOnEveryDataRequestButNotOnProbesOrThePage() throws Exception {
        for (String path : List.of("/api/lines", "/api/lines/line-dash", "/api/images/dash-0", "/api/images/dash-0/overlay.png", "/metrics")) {
            assertThat(statusWithout(path, null)).as("%s without a token", path).isEqualTo(401);
            assertThat(statusWithout(path, "Bearer not-the-token")).as("%s with a wrong token", path).isEqualTo(401);
            assertThat(statusWithout(path, "Basic " + TOKEN)).as("%s with another scheme", path).isEqualTo(401);
        }
        assertThat(statusWithout("/api/lines", "bearer " + TOKEN)).as("the scheme is case-insensitive").isEqualTo(200);
        assertThat(statusWithout("/health/live", null)).isEqualTo(200);
        assertThat(statusWithout("/health/ready", null)).as("ready while the stream threads run").isEqualTo(200);
        assertThat(statusWithout("/", null)).as("the page holds no data").isEqualTo(200);
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'none'"));
    }

    @Test
    void shouldAnswerTheApiForLinesAndImages() throws Exception {
        JsonNode lines = JSON.readTree(get("/api/lines").body());
        JsonNode dash = null;
        for (JsonNode line : lines.path("lines")) {
            if (line.path("lineId").asText().equals("line-dash")) {
                dash = line;
            }
        }
        assertThat(dash).as("line-dash in %s", lines).isNotNull();
        assertThat(dash.path("lineId").asText()).isEqualTo("line-dash");
        assertThat(dash.path("images").asLong()).isEqualTo(IMAGES);
        assertThat(dash.path("results").asLong()).isEqualTo(IMAGES);
        assertThat(dash.path("latestImages")).isNotEmpty();
        assertThat(JSON.readTree(get("/api/lines/line-dash").body()).path("windows")).isNotEmpty();
        assertThat(get("/api/lines/no-such-line").statusCode()).isEqualTo(404);

        JsonNode image = JSON.readTree(get("/api/images/dash-0").body());
        assertThat(image.path("imageId").asText()).isEqualTo("dash-0");
        assertThat(image.path("verdict").asText()).isIn("PASS", "WARN", "FAIL");
        assertThat(image.path("stars").path("sharpness").asInt()).isBetween(1, 4);
        HttpResponse<byte[]> overlay = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/images/dash-0/overlay.png"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(overlay.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(overlay.body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        assertThat(get("/api/images/never-seen").statusCode()).isEqualTo(404);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/lines")).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("read-only").isEqualTo(405);
    }

    @Test
    void shouldShowTheLineInTheTerminalMonitorFromTheApi() {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = io.segline.Main.commandLine();
        cli.setOut(new java.io.PrintWriter(out, true));
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(err, true));
        var environment = io.segline.cli.ConnectionOptions.environment;
        try {
            io.segline.cli.ConnectionOptions.environment = Map::of;
            assertThat(cli.execute("monitor", "--api", base, "--once")).as("no token").isNotZero();
            assertThat(err.toString()).contains("wants a bearer token").contains("SEGLINE_HTTP_TOKEN");
            io.segline.cli.ConnectionOptions.environment = () -> Map.of("SEGLINE_HTTP_TOKEN", TOKEN);
            assertThat(cli.execute("monitor", "--api", base, "--once")).isZero();
        } finally {
            io.segline.cli.ConnectionOptions.environment = environment;
        }
        String row = out.toString().lines().filter(l -> l.startsWith("line-dash")).findFirst().orElseThrow(
                () -> new AssertionError("no line-dash row in:\n" + out));
        assertThat(row.trim().split("\\s+")[2]).as("images column of: %s", row).isEqualTo(String.valueOf(IMAGES));
    }

    @Test
    void shouldExposeSeglineAndKafkaStreamsMetricsForPrometheus() throws Exception {
        String metrics = get("/metrics").body();
        double processed = metrics.lines()
                .filter(l -> l.startsWith("segline_images_processed_total{") && l.contains("line=\"line-dash\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertThat(processed).isEqualTo(IMAGES);
        assertThat(metrics).contains("segline_stage_duration_seconds_count{stage=\"segment\"}")
                .contains("segline_stage_duration_seconds{stage=\"segment\",quantile=\"0.95\"}");
        assertThat(metrics.lines().filter(l -> l.startsWith("kafka_stream_")).count()).as("Kafka Streams client metrics").isPositive();
    }

    @Test
    void shouldShowTheImagesProducedOnTheLineTileInHeadlessChromium() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(CHROMIUM)), "Skipped: Chromium is not installed. Install it with"
                + " 'apt-get install -y chromium' (.ci/run does this).");
        Path profile = Files.createTempDirectory("segline-chromium-");
        List<String> flags = List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--virtual-time-budget=8000", "--window-size=1280,720");
        List<String> dump = new ArrayList<>(flags);
        dump.add("--dump-dom");
        dump.add(base + "/#token=" + TOKEN);
        String dom = run(dump);
        assertThat(dom).contains("data-line=\"line-dash\"").contains("data-images=\"" + IMAGES + "\"");
        // The hostile line is shown as text: its markup is escaped, no element or handler of its own exists, no script ran.
        assertThat(dom).contains("&lt;img src=x onerror=").doesNotContain("<img src=\"x\"").doesNotContain("<svg")
                .contains("<title>segline - line health</title>");

        List<String> withoutToken = new ArrayList<>(flags);
        withoutToken.add("--dump-dom");
        withoutToken.add(base + "/");
        assertThat(run(withoutToken)).contains("needs its API token").doesNotContain("data-line=\"line-dash\"");

        Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
        List<String> shot = new ArrayList<>(flags);
        shot.add("--screenshot=" + screenshot);
        shot.add(base + "/#token=" + TOKEN);
        run(shot);
        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }
}

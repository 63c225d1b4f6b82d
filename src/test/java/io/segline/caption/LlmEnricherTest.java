package io.segline.caption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.records.Tristate;
import io.segline.testing.TestImages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LLM backend against a local HTTP server with scripted answers. */
class LlmEnricherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CAPTION = "A painting of a deity.";
    private static final String VALID = "{\"single_figure\":\"YES\",\"multi_limbed\":\"YES\",\"lotus_seat\":\"NO\",\"halo\":\"YES\","
            + "\"backlight\":\"UNKNOWN\",\"flames\":\"UNKNOWN\",\"raised_hand\":\"NO\",\"degraded\":\"UNKNOWN\",\"arm_count\":6,"
            + "\"body_color\":\"Blue\",\"school\":null}";

    private record Answer(int status, String body, long delayMillis) {
    }

    private HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", exchange -> {
            requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            Answer answer;
            synchronized (script) {
                answer = script.isEmpty() ? new Answer(500, "{}", 0) : script.poll();
            }
            if (answer.delayMillis() > 0) {
                try {
                    release.await(answer.delayMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            try {
                exchange.sendResponseHeaders(answer.status(), bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (IOException e) {
                // The client gave up (timeout); nothing to answer.
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private void answer(int status, String content, long delayMillis) {
        String body = content == null ? "oops" : JSON.createObjectNode().set("choices", JSON.createArrayNode()
                .add(JSON.createObjectNode().set("message", JSON.createObjectNode().put("role", "assistant").put("content", content))))
                .toString();
        synchronized (script) {
            script.add(new Answer(status, body, delayMillis));
        }
    }

    private LlmEnricher enricher(Duration timeout) {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions");
        return new LlmEnricher(new LlmEnricher.Settings(url, "test-model", "sk-test", timeout, 2, 100),
                new RulesEnricher(Lexicon.builtIn()));
    }

    private static ImageCaptured capture(String caption) {
        return TestImages.inline("img", new byte[] {1}, caption);
    }

    @Test
    void shouldUseAValidAnswerAndAskWithTheSchemaTheModelAndTheKey() throws Exception {
        answer(200, VALID, 0);
        LlmEnricher llm = enricher(Duration.ofSeconds(5));
        EnrichedCaption enriched = llm.enrich(capture(CAPTION));

        assertThat(enriched.getBackend()).isEqualTo("llm");
        assertThat(enriched.getAttributes().getArmCount()).isEqualTo(6);
        assertThat(enriched.getAttributes().getHalo()).isEqualTo(Tristate.YES);
        assertThat(enriched.getAttributes().getLotusSeat()).isEqualTo(Tristate.NO);
        assertThat(enriched.getAttributes().getBodyColor()).isEqualTo("blue");
        assertThat(enriched.getTemplates()).contains("The figure has six arms.", "There is no lotus seat.");
        assertThat(enriched.getFinalText()).startsWith(CAPTION).contains("There is a halo around the head.");
        var request = JSON.readTree(requests.get(0));
        assertThat(request.get("model").asText()).isEqualTo("test-model");
        assertThat(request.get("response_format").get("type").asText()).isEqualTo("json_object");
        assertThat(request.get("messages").get(1).get("content").asText()).isEqualTo(CAPTION);
        assertThat(request.get("messages").get(0).get("content").asText()).contains("lotus_seat").contains("UNKNOWN");
        assertThat(authorizations.get(0)).isEqualTo("Bearer sk-test");
        assertThat(llm.fallbacks()).isZero();
    }

    @Test
    void shouldAnswerTheSameCaptionFromTheCache() {
        answer(200, VALID, 0);
        LlmEnricher llm = enricher(Duration.ofSeconds(5));
        llm.enrich(capture(CAPTION));
        EnrichedCaption again = llm.enrich(capture(CAPTION));
        assertThat(again.getBackend()).isEqualTo("llm");
        assertThat(again.getAttributes().getArmCount()).isEqualTo(6);
        assertThat(requests).hasSize(1);
        assertThat(llm.cacheHits()).isEqualTo(1);
    }

    @Test
    void shouldFallBackToRulesOnInvalidJsonAndNotCacheIt() {
        answer(200, "Sure! The deity has six arms.", 0);
        answer(200, VALID, 0);
        LlmEnricher llm = enricher(Duration.ofSeconds(5));
        String caption = "Green Tara seated on a lotus, without a halo.";
        EnrichedCaption enriched = llm.enrich(capture(caption));
        assertThat(enriched.getBackend()).isEqualTo("llm-fallback-rules");
        assertThat(enriched.getAttributes()).isEqualTo(new RulesEnricher(Lexicon.builtIn()).attributes(caption));
        assertThat(llm.fallbacks()).isEqualTo(1);
        assertThat(llm.enrich(capture(caption)).getBackend()).as("asked again, not cached").isEqualTo("llm");
    }

    @Test
    void shouldFallBackOnAnswersThatDoNotMatchTheSchema() {
        answer(200, VALID.replace("\"halo\":\"YES\"", "\"halo\":\"MAYBE\""), 0);
        answer(200, VALID.replace("\"arm_count\":6", "\"arm_count\":\"six\""), 0);
        answer(200, "{\"halo\":\"YES\"}", 0);
        LlmEnricher llm = enricher(Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            assertThat(llm.enrich(capture("caption " + i)).getBackend()).isEqualTo("llm-fallback-rules");
        }
        assertThat(llm.fallbacks()).isEqualTo(3);
    }

    @Test
    void shouldFallBackOnServerErrors() {
        answer(500, null, 0);
        LlmEnricher llm = enricher(Duration.ofSeconds(5));
        assertThat(llm.enrich(capture(CAPTION)).getBackend()).isEqualTo("llm-fallback-rules");
        assertThat(llm.fallbacks()).isEqualTo(1);
    }

    @Test
    void shouldNotWaitForASlowAnswerLongerThanTheTimeout() {
        answer(200, VALID, 30_000);
        LlmEnricher llm = enricher(Duration.ofMillis(300));
        // The server holds its answer for 30 s; the enricher must give up on its own and use the rules.
        EnrichedCaption enriched = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> llm.enrich(capture(CAPTION)));
        assertThat(enriched.getBackend()).isEqualTo("llm-fallback-rules");
        assertThat(llm.fallbacks()).isEqualTo(1);
    }
}

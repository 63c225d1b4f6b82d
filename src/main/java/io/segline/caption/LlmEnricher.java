package io.segline.caption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segline.records.CaptionAttributes;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.records.Tristate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attributes from an OpenAI-compatible chat-completions endpoint, asked for strict JSON with the
 * attribute schema and validated; the rewrite and templates are then built as by the rules.
 *
 * <p>The stream thread is never held longer than the configured timeout (waiting for a free slot
 * included). On a timeout, an HTTP error, or an answer that is not valid JSON of the schema, the record
 * is enriched by the rules instead and its backend says {@code llm-fallback-rules}; {@link #fallbacks()}
 * counts those. Answers are cached by the SHA-256 of the caption (LRU), and at most
 * {@code max.concurrent} requests are in flight.
 */
public final class LlmEnricher implements CaptionEnricher {
    private static final Logger log = LoggerFactory.getLogger(LlmEnricher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> BOOLEANS = List.of("single_figure", "multi_limbed", "lotus_seat", "halo", "backlight", "flames",
            "raised_hand", "degraded");
    static final String SYSTEM_PROMPT = "You read catalogue captions of Tibetan thangka paintings and extract attributes of the"
            + " central figure. Answer with one JSON object and nothing else, with exactly these keys: "
            + String.join(", ", BOOLEANS) + " (each \"YES\", \"NO\" or \"UNKNOWN\"), arm_count (integer or null),"
            + " body_color (lower-case colour word or null), school (painting school or null). UNKNOWN and null mean the"
            + " caption does not say; say NO only when the caption denies it (\"without a lotus\"). lotus_seat: the figure"
            + " sits or stands on a lotus; halo: a disc or rings around the head; backlight: a mandorla or aureole behind the"
            + " body; flames: the backlight or surroundings are flames; raised_hand: a hand is raised; degraded: fading,"
            + " losses, cracks or stains; multi_limbed: more than two arms; single_figure: one central figure dominates.";

    /** Where and how to ask. */
    public record Settings(URI url, String model, String apiKey, Duration timeout, int maxConcurrent, int cacheSize) {
    }

    private final Settings settings;
    private final RulesEnricher rules;
    private final HttpClient http;
    private final Semaphore slots;
    private final Map<String, CaptionAttributes> cache;
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();

    public LlmEnricher(Settings settings, RulesEnricher rules) {
        this.settings = settings;
        this.rules = rules;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        this.slots = new Semaphore(settings.maxConcurrent());
        this.cache = java.util.Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CaptionAttributes> eldest) {
                return size() > settings.cacheSize();
            }
        });
    }

    @Override
    public EnrichedCaption enrich(ImageCaptured event) {
        String key = sha256(event.getCaption());
        CaptionAttributes cached = cache.get(key);
        if (cached != null) {
            cacheHits.incrementAndGet();
            return rules.build(event, cached, name());
        }
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        try {
            if (!slots.tryAcquire(settings.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                return fallback(event, "all " + settings.maxConcurrent() + " request slots busy");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback(event, "interrupted");
        }
        try {
            requests.incrementAndGet();
            CompletableFuture<HttpResponse<String>> call = http.sendAsync(request(event.getCaption()),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> response;
            try {
                response = call.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                call.cancel(true);
                return fallback(event, "no answer within " + settings.timeout().toMillis() + " ms");
            } catch (ExecutionException e) {
                return fallback(event, "request failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fallback(event, "interrupted");
            }
            if (response.statusCode() != 200) {
                return fallback(event, "HTTP " + response.statusCode());
            }
            CaptionAttributes attributes;
            try {
                attributes = parse(response.body());
            } catch (IllegalArgumentException | IOException e) {
                return fallback(event, "invalid answer: " + e.getMessage());
            }
            cache.put(key, attributes);
            return rules.build(event, attributes, name());
        } finally {
            slots.release();
        }
    }

    private EnrichedCaption fallback(ImageCaptured event, String why) {
        fallbacks.incrementAndGet();
        io.micrometer.core.instrument.Metrics.counter("segline.caption.llm.fallbacks").increment();
        log.warn("LLM caption enrichment fell back to rules for {}: {}", event.getImageId(), why);
        return rules.build(event, rules.attributes(event.getCaption()), "llm-fallback-rules");
    }

    private HttpRequest request(String caption) {
        ObjectNode body = JSON.createObjectNode().put("model", settings.model()).put("temperature", 0);
        body.putObject("response_format").put("type", "json_object");
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM_PROMPT);
        messages.addObject().put("role", "user").put("content", caption);
        HttpRequest.Builder builder = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
            builder.header("Authorization", "Bearer " + settings.apiKey());
        }
        return builder.build();
    }

    /** The attributes in a chat-completions answer, validated against the schema. */
    static CaptionAttributes parse(String responseBody) throws IOException {
        JsonNode content = JSON.readTree(responseBody).path("choices").path(0).path("message").path("content");
        if (!content.isTextual()) {
            throw new IllegalArgumentException("no choices[0].message.content in the answer");
        }
        String text = content.asText().trim();
        if (text.startsWith("```")) {
            text = text.replaceAll("^```(?:json)?\\s*|\\s*```$", "");
        }
        JsonNode a;
        try {
            a = JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("the message is not JSON");
        }
        if (a == null || !a.isObject()) {
            throw new IllegalArgumentException("the message is not a JSON object");
        }
        CaptionAttributes.Builder out = CaptionAttributes.newBuilder();
        Map<String, Tristate> values = new LinkedHashMap<>();
        for (String key : BOOLEANS) {
            JsonNode v = a.get(key);
            if (v == null || !v.isTextual()) {
                throw new IllegalArgumentException(key + " is missing or not a string");
            }
            try {
                values.put(key, Tristate.valueOf(v.asText().trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + " is '" + v.asText() + "', not YES, NO or UNKNOWN");
            }
        }
        out.setSingleFigure(values.get("single_figure")).setMultiLimbed(values.get("multi_limbed"))
                .setLotusSeat(values.get("lotus_seat")).setHalo(values.get("halo")).setBacklight(values.get("backlight"))
                .setFlames(values.get("flames")).setRaisedHand(values.get("raised_hand")).setDegraded(values.get("degraded"));
        JsonNode arms = a.get("arm_count");
        if (arms == null || !(arms.isNull() || arms.isInt())) {
            throw new IllegalArgumentException("arm_count is missing or not an integer or null");
        }
        if (arms.isInt() && (arms.asInt() < 1 || arms.asInt() > 1000)) {
            throw new IllegalArgumentException("arm_count " + arms.asInt() + " is not plausible");
        }
        out.setArmCount(arms.isNull() ? null : arms.asInt());
        out.setBodyColor(optionalText(a, "body_color"));
        out.setSchool(optionalText(a, "school"));
        if (out.getBodyColor() != null) {
            out.setBodyColor(out.getBodyColor().toLowerCase(Locale.ROOT));
        }
        return out.build();
    }

    private static String optionalText(JsonNode a, String key) {
        JsonNode v = a.get(key);
        if (v == null || !(v.isNull() || v.isTextual())) {
            throw new IllegalArgumentException(key + " is missing or not a string or null");
        }
        return v.isNull() || v.asText().isBlank() ? null : v.asText().trim();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records enriched by the rules because the endpoint failed, timed out or answered badly. */
    public long fallbacks() {
        return fallbacks.get();
    }

    /** Requests sent to the endpoint. */
    public long requests() {
        return requests.get();
    }

    /** Captions answered from the cache. */
    public long cacheHits() {
        return cacheHits.get();
    }

    @Override
    public String name() {
        return "llm";
    }
}

package io.segline.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;

/**
 * segline's configuration: one immutable value, layered as command-line options over environment
 * variables ({@code SEGLINE_*}) over a properties file over defaults.
 *
 * <p>Keys starting with {@code segline.} are segline's own (listed in {@link Keys}); every other key is
 * handed unchanged to the Kafka clients and the serdes, so a client properties file with
 * {@code bootstrap.servers}, {@code security.protocol}, {@code sasl.*}, {@code ssl.*} and
 * {@code schema.registry.*} works as it is.
 *
 * <p>Environment variables: {@code SEGLINE_BOOTSTRAP_SERVERS} and {@code SEGLINE_SCHEMA_REGISTRY_URL}
 * set those two keys; {@code SEGLINE_KAFKA_<KEY>} sets a client key ({@code SEGLINE_KAFKA_SECURITY_PROTOCOL}
 * is {@code security.protocol}); any other {@code SEGLINE_<KEY>} sets {@code segline.<key>}
 * ({@code SEGLINE_MAX_INLINE_BYTES} is {@code segline.max.inline.bytes}). Underscores become dots.
 */
public record SeglineConfig(Map<String, String> values) {

    /** segline's own keys and their defaults. */
    public static final class Keys {
        public static final String APPLICATION_ID = "segline.application.id";
        public static final String TOPIC_PREFIX = "segline.topic.prefix";
        public static final String TOPIC_IMAGES = "segline.topic.images";
        public static final String TOPIC_MASKS = "segline.topic.masks";
        public static final String TOPIC_QUALITY = "segline.topic.quality";
        public static final String TOPIC_DLQ = "segline.topic.dlq";
        /** Largest original value a dead letter carries whole; above it a prefix, the length and the SHA-256. */
        public static final String DLQ_MAX_ORIGINAL_BYTES = "segline.dlq.max.original.bytes";
        /** Folder where the whole originals of cut dead letters are written (claim check); empty: keep only the hash. */
        public static final String DLQ_CLAIM_CHECK_DIR = "segline.dlq.claim.check.dir";
        public static final String TOPIC_LINE_HEALTH = "segline.topic.line.health";
        public static final String TOPIC_ALERTS = "segline.topic.alerts";
        public static final String TOPIC_REVIEW = "segline.topic.review";
        public static final String REVIEW_CONFIDENCE_BELOW = "segline.review.confidence.below";
        public static final String REVIEW_SAMPLE_RATE = "segline.review.sample.rate";
        public static final String HTTP_BIND = "segline.http.bind";
        public static final String HTTP_PORT = "segline.http.port";
        public static final String HTTP_ADVERTISED = "segline.http.advertised.host";
        /** The environment variable holding the API's bearer token (the token itself never sits in a file or a flag). */
        public static final String HTTP_AUTH_TOKEN_ENV = "segline.http.auth.token.env";
        /** Serve without a token on an address other hosts can reach (a trusted network only). */
        public static final String HTTP_INSECURE = "segline.http.insecure";
        public static final String HTTP_IMAGE_RETENTION_HOURS = "segline.http.image.retention.hours";
        public static final String HEALTH_WINDOW_MS = "segline.health.window.ms";
        public static final String HEALTH_GRACE_MS = "segline.health.grace.ms";
        public static final String ALERT_DEAD_LETTER_RATE = "segline.alert.dead.letter.rate";
        public static final String ALERT_DEAD_LETTER_MIN_IMAGES = "segline.alert.dead.letter.min.images";
        public static final String ALERT_LATENCY_P95_MS = "segline.alert.latency.p95.ms";
        public static final String ALERT_DRIFT_K = "segline.alert.drift.k";
        public static final String ALERT_DRIFT_BASELINE_WINDOWS = "segline.alert.drift.baseline.windows";
        public static final String ALERT_DRIFT_MIN_BASELINE = "segline.alert.drift.min.baseline";
        public static final String ALERT_PSI = "segline.alert.class.area.psi";
        public static final String ALERT_SILENCE_MINUTES = "segline.alert.silence.minutes";
        public static final String ALERT_CHECK_INTERVAL_MS = "segline.alert.check.interval.ms";
        public static final String MAX_INLINE_BYTES = "segline.max.inline.bytes";
        public static final String MAX_RECORD_BYTES = "segline.max.record.bytes";
        public static final String MAX_IMAGE_BYTES = "segline.max.image.bytes";
        public static final String MAX_PIXELS = "segline.max.pixels";
        public static final String MAX_CAPTION_CHARS = "segline.max.caption.chars";
        public static final String CLAIM_CHECK_ROOTS = "segline.claim.check.roots";
        /** The longest reading one claim-check file may take before the capture is dead-lettered (claim-check-timeout). */
        public static final String CLAIM_CHECK_TIMEOUT_MS = "segline.claim.check.timeout.ms";
        /** The longest a stage may run per record before the watchdog logs and counts it (0: no watchdog). */
        public static final String STAGE_WATCHDOG_MS = "segline.stage.watchdog.ms";
        public static final String TRACING_ENABLED = "segline.tracing.enabled";
        public static final String TRACING_OTLP_ENDPOINT = "segline.tracing.otlp.endpoint";
        public static final String TRACING_SERVICE_NAME = "segline.tracing.service.name";
        public static final String ENRICHMENT = "segline.enrichment";
        public static final String SEGMENTER = "segline.segmenter";
        /** The diffusion model: a packaged model's name, a folder with model.json, or torchscript:DIR. */
        public static final String MODEL = "segline.model";
        /** Where models run: auto (a GPU when the engine sees one), cpu or gpu. */
        public static final String DEVICE = "segline.device";
        /** Condition the diffusion model on an empty caption (the ablation without caption conditioning). */
        public static final String MODEL_BLANK_CAPTIONS = "segline.model.blank.captions";
        /** Bypass the trained symmetry block of the diffusion model (the ablation without it, at inference). */
        public static final String MODEL_SYMMETRY_OFF = "segline.model.symmetry.off";
        public static final String MODEL_THREADS = "segline.model.threads";
        /** DDIM steps of the diffusion segmenter; 0 keeps the model's own setting. */
        public static final String DIFFUSION_STEPS = "segline.diffusion.steps";
        /** Sampling chains per image (their spread lowers the confidence); 0 keeps the model's own setting. */
        public static final String DIFFUSION_SAMPLES = "segline.diffusion.samples";
        /** A dataset folder of K annotated paintings of the collection for the model's support-query attention; empty: none. */
        public static final String SUPPORT = "segline.support";
        public static final String REFINER = "segline.refiner";
        /** G4Seg: timestep t_s (of T) the painting is noised to before its one-step regeneration. */
        public static final String G4SEG_TIMESTEP = "segline.g4seg.timestep";
        /** G4Seg: injection weight α of the coarse mask in the image pathway's attention. */
        public static final String G4SEG_ALPHA = "segline.g4seg.alpha";
        /** G4Seg: weight β of a pixel's own probability when mixed with its correspondence's. */
        public static final String G4SEG_BETA = "segline.g4seg.beta";
        /** G4Seg: the uncertain band [low, high] of coarse probability inside which pixels may change. */
        public static final String G4SEG_BAND_LOW = "segline.g4seg.band.low";
        public static final String G4SEG_BAND_HIGH = "segline.g4seg.band.high";
        public static final String OUTPUT_MAX_SIDE = "segline.output.max.side";
        /** Folder results too large for a record are written to (claim check); empty: such results are dead-lettered. */
        public static final String OUTPUT_CLAIM_CHECK_DIR = "segline.output.claim.check.dir";
        /** How probabilities reach the published resolution: guided (snapped to the painting's edges) or bilinear. */
        public static final String OUTPUT_UPSAMPLING = "segline.output.upsampling";
        /** The guided filter's regulariser ε (squared RGB in [0,1]): smaller follows weaker edges. */
        public static final String OUTPUT_GUIDED_EPSILON = "segline.output.guided.epsilon";
        /** The guided filter's window radius in the segmenter's working-resolution pixels. */
        public static final String OUTPUT_GUIDED_RADIUS = "segline.output.guided.radius";
        public static final String COMMIT_INTERVAL_MS = "segline.commit.interval.ms";
        public static final String MAX_POLL_RECORDS = "segline.max.poll.records";
        public static final String CAPTION_LEXICON = "segline.caption.lexicon";
        public static final String QC_ENABLED = "segline.qc.enabled";
        public static final String BATCH_SIZE = "segline.batch.size";
        public static final String BATCH_LINGER_MS = "segline.batch.linger.ms";
        public static final String BATCH_OVERLAP = "segline.batch.overlap";
        public static final String LLM_URL = "segline.caption.llm.url";
        public static final String LLM_MODEL = "segline.caption.llm.model";
        public static final String LLM_API_KEY_ENV = "segline.caption.llm.api.key.env";
        public static final String LLM_TIMEOUT_MS = "segline.caption.llm.timeout.ms";
        public static final String LLM_MAX_CONCURRENT = "segline.caption.llm.max.concurrent";
        public static final String LLM_CACHE_SIZE = "segline.caption.llm.cache.size";

        private Keys() {
        }
    }

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    private static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(Keys.APPLICATION_ID, "segline");
        d.put(Keys.TOPIC_PREFIX, "segline.");
        d.put(Keys.TOPIC_IMAGES, "images.v1");
        d.put(Keys.TOPIC_MASKS, "masks.v1");
        d.put(Keys.TOPIC_QUALITY, "quality.v1");
        d.put(Keys.TOPIC_DLQ, "dlq.v1");
        d.put(Keys.CLAIM_CHECK_TIMEOUT_MS, "10000");
        d.put(Keys.STAGE_WATCHDOG_MS, "60000");
        d.put(Keys.TRACING_ENABLED, "false");
        d.put(Keys.TRACING_OTLP_ENDPOINT, "http://localhost:4318/v1/traces");
        d.put(Keys.TRACING_SERVICE_NAME, "segline");
        d.put(Keys.DLQ_MAX_ORIGINAL_BYTES, "1048576");
        d.put(Keys.TOPIC_LINE_HEALTH, "line-health.v1");
        d.put(Keys.TOPIC_ALERTS, "alerts.v1");
        d.put(Keys.TOPIC_REVIEW, "review.v1");
        d.put(Keys.REVIEW_CONFIDENCE_BELOW, "0.5");
        d.put(Keys.REVIEW_SAMPLE_RATE, "0.02");
        d.put(Keys.HTTP_BIND, "127.0.0.1");
        d.put(Keys.HTTP_PORT, "8080");
        d.put(Keys.HTTP_AUTH_TOKEN_ENV, "SEGLINE_HTTP_TOKEN");
        d.put(Keys.HTTP_INSECURE, "false");
        d.put(Keys.HTTP_IMAGE_RETENTION_HOURS, "24");
        d.put(Keys.HEALTH_WINDOW_MS, "60000");
        d.put(Keys.HEALTH_GRACE_MS, "30000");
        d.put(Keys.ALERT_DEAD_LETTER_RATE, "0.2");
        d.put(Keys.ALERT_DEAD_LETTER_MIN_IMAGES, "5");
        d.put(Keys.ALERT_LATENCY_P95_MS, "30000");
        d.put(Keys.ALERT_DRIFT_K, "3");
        d.put(Keys.ALERT_DRIFT_BASELINE_WINDOWS, "10");
        d.put(Keys.ALERT_DRIFT_MIN_BASELINE, "3");
        d.put(Keys.ALERT_PSI, "0.25");
        d.put(Keys.ALERT_SILENCE_MINUTES, "5");
        d.put(Keys.ALERT_CHECK_INTERVAL_MS, "30000");
        d.put(Keys.MAX_INLINE_BYTES, String.valueOf(4 * 1024 * 1024));
        d.put(Keys.MAX_RECORD_BYTES, String.valueOf(8 * 1024 * 1024));
        d.put(Keys.MAX_IMAGE_BYTES, String.valueOf(512L * 1024 * 1024));
        d.put(Keys.MAX_PIXELS, String.valueOf(64_000_000));
        d.put(Keys.MAX_CAPTION_CHARS, "20000");
        d.put(Keys.CLAIM_CHECK_ROOTS, "");
        d.put(Keys.ENRICHMENT, "rules");
        d.put(Keys.QC_ENABLED, "true");
        d.put(Keys.BATCH_SIZE, "1");
        d.put(Keys.BATCH_LINGER_MS, "200");
        d.put(Keys.BATCH_OVERLAP, "false");
        d.put(Keys.LLM_MODEL, "default");
        d.put(Keys.LLM_API_KEY_ENV, "SEGLINE_LLM_API_KEY");
        d.put(Keys.LLM_TIMEOUT_MS, "2000");
        d.put(Keys.LLM_MAX_CONCURRENT, "4");
        d.put(Keys.LLM_CACHE_SIZE, "10000");
        d.put(Keys.SEGMENTER, "diffusion");
        d.put(Keys.MODEL, "spirit-g"); // Models.DEFAULT (a test checks they agree)
        d.put(Keys.DEVICE, "auto");
        d.put(Keys.MODEL_BLANK_CAPTIONS, "false");
        d.put(Keys.MODEL_SYMMETRY_OFF, "false");
        d.put(Keys.MODEL_THREADS, "0");
        d.put(Keys.DIFFUSION_STEPS, "0");
        d.put(Keys.DIFFUSION_SAMPLES, "0");
        // The refiner that measured best without losing on any painter's set (models/spirit-g/README.md, Refiners).
        d.put(Keys.REFINER, "symmetry");
        d.put(Keys.OUTPUT_MAX_SIDE, "8192");
        d.put(Keys.G4SEG_TIMESTEP, "400");
        d.put(Keys.G4SEG_ALPHA, "8");
        d.put(Keys.G4SEG_BETA, "0.8");
        d.put(Keys.G4SEG_BAND_LOW, "0.2");
        d.put(Keys.G4SEG_BAND_HIGH, "0.6");
        d.put(Keys.OUTPUT_UPSAMPLING, "guided");
        d.put(Keys.OUTPUT_GUIDED_EPSILON, "0.0001");
        d.put(Keys.OUTPUT_GUIDED_RADIUS, "6");
        d.put(Keys.COMMIT_INTERVAL_MS, "1000");
        d.put(Keys.MAX_POLL_RECORDS, "8");
        return Map.copyOf(d);
    }

    public SeglineConfig {
        values = Map.copyOf(values);
    }

    /** Defaults only, plus the given overrides (tests, the embedded demo). */
    public static SeglineConfig of(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
        merged.putAll(overrides);
        return new SeglineConfig(merged);
    }

    /**
     * Layers the sources: {@code options} over {@code env} over the properties {@code file} (may be
     * null) over the defaults.
     */
    public static SeglineConfig load(Path file, Map<String, String> env, Map<String, String> options) {
        Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
        if (file != null) {
            merged.putAll(readProperties(file));
        }
        merged.putAll(fromEnvironment(env));
        options.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        return new SeglineConfig(merged);
    }

    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (!name.startsWith("SEGLINE_") || value == null) {
                return;
            }
            String rest = name.substring("SEGLINE_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
            if (rest.equals("bootstrap.servers") || rest.equals("schema.registry.url")) {
                out.put(rest, value);
            } else if (rest.startsWith("kafka.")) {
                out.put(rest.substring("kafka.".length()), value);
            } else if (!rest.isEmpty()) {
                out.put("segline." + rest, value);
            }
        });
        return out;
    }

    private static Map<String, String> readProperties(Path file) {
        if (!Files.isReadable(file)) {
            throw new ConfigException("Configuration file " + file + " does not exist or cannot be read");
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read configuration file " + file, e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k).trim()));
        return out;
    }

    public String get(String key) {
        return values.get(key);
    }

    /** A required setting, with a message that says how to set it. */
    public String require(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + " is not set: pass it as an option, in the --config file, or as SEGLINE_"
                    + key.replace("segline.", "").replace('.', '_').toUpperCase(Locale.ROOT));
        }
        return value;
    }

    public long getLong(String key) {
        String value = require(key);
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, not '" + value + "'");
        }
    }

    /** A finite decimal number. */
    public double getDouble(String key) {
        String value = require(key);
        try {
            double d = Double.parseDouble(value.trim());
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ConfigException(key + " must be a number, not '" + value + "'");
    }

    /** {@code true} or {@code false} (any case); anything else is refused rather than read as false. */
    public boolean getBoolean(String key) {
        String value = require(key).trim();
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new ConfigException(key + " must be true or false, not '" + value + "'");
    }

    public int getInt(String key) {
        long value = getLong(key);
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw new ConfigException(key + " is out of range: " + value);
        }
        return (int) value;
    }

    public List<Path> getPaths(String key) {
        List<Path> paths = new ArrayList<>();
        String value = values.getOrDefault(key, "");
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                paths.add(Path.of(part.trim()));
            }
        }
        return paths;
    }

    public String topic(String nameKey) {
        return values.getOrDefault(Keys.TOPIC_PREFIX, "") + require(nameKey);
    }

    /** Every key that is not segline's own: the Kafka client and serde settings. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!k.startsWith("segline.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** A copy with more settings on top. */
    public SeglineConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(values);
        merged.putAll(overrides);
        return new SeglineConfig(merged);
    }

    /** Like the record's own, but never prints secrets. */
    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        values.forEach((k, v) -> shown.put(k, k.matches(".*(password|secret|jaas|user\\.info|token|api\\.key).*") ? "[hidden]" : v));
        return "SeglineConfig" + shown;
    }
}

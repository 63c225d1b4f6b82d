package io.segline.cli;

import io.segline.config.SeglineConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** The options every verb that talks to a cluster shares: where the cluster and registry are, and overrides. */
public final class ConnectionOptions {
    /** The process environment; tests replace it. */
    public static Supplier<Map<String, String>> environment = System::getenv;

    @picocli.CommandLine.Mixin
    SettingsOptions settings;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (or SEGLINE_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = {"-r", "--schema-registry-url"}, paramLabel = "URL",
            description = "Confluent-API schema registry URL(s), comma-separated (or SEGLINE_SCHEMA_REGISTRY_URL).")
    String registryUrl;

    /** The layered configuration: these options over SEGLINE_* variables over the file over defaults. */
    public SeglineConfig config() {
        return config(Map.of());
    }

    /** As {@link #config()}, with {@code extra} settings (a verb's own options) over {@code --set}. */
    public SeglineConfig config(Map<String, String> extra) {
        Map<String, String> options = new LinkedHashMap<>(extra);
        if (bootstrapServers != null) {
            options.put(SeglineConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (registryUrl != null) {
            options.put(SeglineConfig.SCHEMA_REGISTRY_URL, registryUrl);
        }
        SeglineConfig config = settings.config(options);
        config.require(SeglineConfig.BOOTSTRAP_SERVERS);
        config.require(SeglineConfig.SCHEMA_REGISTRY_URL);
        return config;
    }
}

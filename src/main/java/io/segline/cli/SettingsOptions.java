package io.segline.cli;

import io.segline.config.SeglineConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --config} and {@code --set}, for every verb: a properties file and overrides, layered as options over
 * SEGLINE_* environment variables over the file over the defaults ({@link ConnectionOptions} adds where the
 * cluster is).
 */
public final class SettingsOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file: segline.* settings and any Kafka client or schema.registry.* setting"
                    + " (security.protocol, sasl.*, ssl.*, basic.auth.*). Options and SEGLINE_* environment variables win over it.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any setting, e.g. --set segline.batch.size=8 --set security.protocol=SASL_SSL. Repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The layered configuration, with {@code overrides} (the verb's own options) on top; null values are skipped. */
    public SeglineConfig config(Map<String, String> overrides) {
        Map<String, String> options = new LinkedHashMap<>(settings);
        overrides.forEach((key, value) -> {
            if (value != null) {
                options.put(key, value);
            }
        });
        return SeglineConfig.load(configFile, ConnectionOptions.environment.get(), options);
    }

    /**
     * What the user chose, through any layer (the model options on top), where it differs from the default: for
     * verbs that start their own cluster (demo, bench, soak) and hand these settings to the line they run.
     */
    public Map<String, String> chosen(ModelOptions model) {
        Map<String, String> overrides = new LinkedHashMap<>();
        model.putInto(overrides);
        return chosen(overrides);
    }

    /** As {@link #chosen(ModelOptions)}, with any verb options as the top layer. */
    public Map<String, String> chosen(Map<String, String> overrides) {
        Map<String, String> defaults = SeglineConfig.of(Map.of()).values();
        Map<String, String> chosen = new LinkedHashMap<>();
        config(overrides).values().forEach((key, value) -> {
            if (!value.equals(defaults.get(key))) {
                chosen.put(key, value);
            }
        });
        return chosen;
    }
}

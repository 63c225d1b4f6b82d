package io.segline.cli;

import io.segline.config.SeglineConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Settings for the verbs that need no cluster: a properties file and {@code --set} overrides, over SEGLINE_* and defaults. */
public final class SettingsOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file with segline.* settings (limits, stage modes, segline.caption.*).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any segline setting, e.g. --set segline.caption.lexicon=my-lexicon.json. Repeatable.")
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
}

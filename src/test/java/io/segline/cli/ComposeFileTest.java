package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.segline.Main;
import io.segline.config.SeglineConfig;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docker-compose.yml cannot be started here (no Docker engine); its segline services must at least match the CLI. */
class ComposeFileTest {

    @Test
    void shouldUseOnlyVerbsOptionsAndSettingsThatSeglineHas() throws Exception {
        JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docker-compose.yml").toFile()).get("services");
        assertThat(services.fieldNames()).toIterable().contains("kafka", "registry", "segline", "segline-topics");
        Set<String> known = knownKeys();
        int checked = 0;
        for (String name : List.of("segline", "segline-topics")) {
            JsonNode service = services.get(name);
            List<String> command = new ArrayList<>();
            service.get("command").forEach(part -> command.add(part.asText()));
            // Parsing fails on an unknown verb or option.
            Main.commandLine().parseArgs(command.toArray(String[]::new));
            var fields = service.get("environment").fields();
            while (fields.hasNext()) {
                String variable = fields.next().getKey();
                Map<String, String> mapped = SeglineConfig.load(null, Map.of(variable, "x"), Map.of()).values();
                String key = mapped.entrySet().stream().filter(e -> "x".equals(e.getValue())).map(Map.Entry::getKey)
                        .findFirst().orElseThrow();
                if (!variable.startsWith("SEGLINE_KAFKA_")) {
                    assertThat(known).as("%s in service %s maps to %s", variable, name, key).contains(key);
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(3);
    }

    private static Set<String> knownKeys() throws IllegalAccessException {
        Set<String> keys = new HashSet<>(Set.of(SeglineConfig.BOOTSTRAP_SERVERS, SeglineConfig.SCHEMA_REGISTRY_URL));
        for (var field : SeglineConfig.Keys.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                keys.add((String) field.get(null));
            }
        }
        return keys;
    }
}

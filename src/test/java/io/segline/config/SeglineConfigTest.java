package io.segline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segline.config.SeglineConfig.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeglineConfigTest {
    @TempDir
    Path dir;

    @Test
    void shouldLayerOptionsOverEnvironmentOverFileOverDefaults() throws Exception {
        Path file = Files.writeString(dir.resolve("segline.properties"), String.join("\n",
                "bootstrap.servers=file:9092",
                "schema.registry.url=http://file:8081",
                "security.protocol=SASL_SSL",
                "segline.max.inline.bytes=1000",
                "segline.output.max.side=256"));
        SeglineConfig config = SeglineConfig.load(file,
                Map.of("SEGLINE_BOOTSTRAP_SERVERS", "env:9092", "SEGLINE_MAX_INLINE_BYTES", "2000",
                        "SEGLINE_KAFKA_SASL_MECHANISM", "PLAIN", "PATH", "/usr/bin"),
                Map.of("bootstrap.servers", "option:9092"));

        assertThat(config.get("bootstrap.servers")).isEqualTo("option:9092");
        assertThat(config.getLong(Keys.MAX_INLINE_BYTES)).isEqualTo(2000);
        assertThat(config.getInt(Keys.OUTPUT_MAX_SIDE)).isEqualTo(256);
        assertThat(config.get("schema.registry.url")).isEqualTo("http://file:8081");
        assertThat(config.get(Keys.SEGMENTER)).isEqualTo("diffusion");
        assertThat(config.clientProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN").doesNotContainKey(Keys.MAX_INLINE_BYTES);
    }

    @Test
    void shouldNameTopicsWithThePrefix() {
        SeglineConfig config = SeglineConfig.of(Map.of(Keys.TOPIC_PREFIX, "museum-a."));
        assertThat(config.topic(Keys.TOPIC_IMAGES)).isEqualTo("museum-a.images.v1");
        assertThat(SeglineConfig.of(Map.of()).topic(Keys.TOPIC_DLQ)).isEqualTo("segline.dlq.v1");
    }

    @Test
    void shouldSayHowToSetAMissingSetting() {
        assertThatThrownBy(() -> SeglineConfig.of(Map.of()).require("bootstrap.servers"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SEGLINE_BOOTSTRAP_SERVERS");
        assertThatThrownBy(() -> SeglineConfig.of(Map.of(Keys.MAX_PIXELS, "lots")).getLong(Keys.MAX_PIXELS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("whole number");
        assertThatThrownBy(() -> SeglineConfig.load(dir.resolve("missing.properties"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.properties");
    }

    @Test
    void shouldHideSecretsWhenPrinted() {
        SeglineConfig config = SeglineConfig.of(Map.of("sasl.jaas.config", "PlainLoginModule password=\"p\"",
                "ssl.keystore.password", "hunter2"));
        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("password=\"p\"");
    }
}

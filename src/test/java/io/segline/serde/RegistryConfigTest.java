package io.segline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

    @Test
    void shouldReadItsOwnTrustStoreAndNeverPrintItsPassword(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        RegistryConfig config = RegistryConfig.fromMap(Map.of(
                RegistryConfig.URL, "https://registry:8443",
                RegistryConfig.TRUSTSTORE_LOCATION, "/etc/segline/registry-ca.p12",
                RegistryConfig.TRUSTSTORE_PASSWORD, "changeit-please"));
        assertThat(config.trustStore().location()).isEqualTo(java.nio.file.Path.of("/etc/segline/registry-ca.p12"));
        assertThat(config.trustStore().type()).isEqualTo("PKCS12");
        assertThat(config.toString()).doesNotContain("changeit-please");
        assertThat(RegistryConfig.forUrl("https://registry:8443").trustStore()).isNull();

        java.nio.file.Path notAStore = java.nio.file.Files.writeString(dir.resolve("ca.p12"), "not a key store");
        RegistryConfig unreadable = RegistryConfig.fromMap(Map.of(RegistryConfig.URL, "https://registry:8443",
                RegistryConfig.TRUSTSTORE_LOCATION, notAStore.toString()));
        assertThatThrownBy(() -> new RestSchemaRegistryClient(unreadable))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(RegistryConfig.TRUSTSTORE_LOCATION + "=" + notAStore)
                .hasMessageContaining(RegistryConfig.TRUSTSTORE_PASSWORD);
    }

    @Test
    void shouldUseConfluentDefaults() {
        RegistryConfig config = RegistryConfig.forUrl("http://registry:8081");
        assertThat(config.urls()).containsExactly(URI.create("http://registry:8081"));
        assertThat(config.autoRegister()).isTrue();
        assertThat(config.useLatestVersion()).isFalse();
        assertThat(config.maxRetries()).isEqualTo(3);
        assertThat(config.retryWait()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.retryMaxWait()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.credentialsSource()).isEqualTo(RegistryConfig.CredentialsSource.URL);
        assertThat(config.latestCacheTtl().isNegative()).isTrue();
    }

    @Test
    void shouldReadConfluentKeysWithAndWithoutPrefix() {
        RegistryConfig config = RegistryConfig.fromMap(Map.of(
                "schema.registry.url", "http://a:8081, http://b:8081",
                "auto.register.schemas", "false",
                "use.latest.version", true,
                "schema.registry.basic.auth.credentials.source", "user_info",
                "schema.registry.basic.auth.user.info", "alice:s3cret",
                "max.retries", "5"));
        assertThat(config.urls()).containsExactly(URI.create("http://a:8081"), URI.create("http://b:8081"));
        assertThat(config.autoRegister()).isFalse();
        assertThat(config.useLatestVersion()).isTrue();
        assertThat(config.credentialsSource()).isEqualTo(RegistryConfig.CredentialsSource.USER_INFO);
        assertThat(config.userInfo()).isEqualTo("alice:s3cret");
        assertThat(config.maxRetries()).isEqualTo(5);
    }

    @Test
    void shouldNeverPrintThePassword() {
        RegistryConfig config = RegistryConfig.fromMap(Map.of("schema.registry.url", "https://bob:hunter2@r:8081",
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "alice:s3cret"));
        assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("hunter2").contains("https://r:8081");
    }

    @Test
    void shouldExplainEveryConfigurationMistake() {
        assertThatThrownBy(() -> RegistryConfig.fromMap(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url is required");
        assertThatThrownBy(() -> RegistryConfig.forUrl("ftp://registry"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http://, https:// or mock://");
        assertThatThrownBy(() -> RegistryConfig.forUrl("mock://"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("scope");
        assertThatThrownBy(() -> RegistryConfig.fromMap(Map.of("schema.registry.url", "mock://a,http://b:1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot mix");
        assertThatThrownBy(() -> RegistryConfig.fromMap(Map.of("schema.registry.url", "http://r:1",
                "basic.auth.credentials.source", "USER_INFO")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("basic.auth.user.info");
        assertThatThrownBy(() -> RegistryConfig.fromMap(Map.of("schema.registry.url", "http://r:1",
                "basic.auth.credentials.source", "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("URL or USER_INFO");
        assertThatThrownBy(() -> RegistryConfig.fromMap(Map.of("schema.registry.url", "http://r:1",
                "auto.register.schemas", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("true or false");
        assertThatThrownBy(() -> RegistryConfig.fromMap(Map.of("schema.registry.url", "http://r:1",
                "max.retries", "many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("whole number");
    }

    @Test
    void shouldRecogniseMockScopes() {
        RegistryConfig config = RegistryConfig.forUrl("mock://unit-a");
        assertThat(config.isMock()).isTrue();
        assertThat(RegistryConfig.mockScope(config.urls().get(0))).isEqualTo("unit-a");
    }
}

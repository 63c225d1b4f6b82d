package io.segline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class ApicurioRegistryIT {

    @Test
    void shouldServeTheConfluentApiOnLoopbackAndStopOnClose() throws Exception {
        ApicurioRegistry registry = ApicurioRegistry.start();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest subjects = HttpRequest.newBuilder(URI.create(registry.url() + "/subjects")).build();
        try {
            assertThat(registry.url()).startsWith("http://127.0.0.1:").endsWith("/apis/ccompat/v7");
            assertThat(http.send(subjects, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("[]");
        } finally {
            registry.close();
        }
        assertThat(registry.isAlive()).isFalse();
        assertThatThrownBy(() -> http.send(subjects, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void shouldSayHowToGetTheRegistryWhenItIsMissing(@TempDir Path empty) {
        assertThatThrownBy(() -> ApicurioRegistry.start(empty, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("./mvnw package");
    }
}

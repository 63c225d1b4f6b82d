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
    void shouldStopTheRegistryWhenTheJvmThatStartedItExits() throws Exception {
        Process probe = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-D" + ApicurioRegistry.HOME_PROPERTY + "=" + ApicurioRegistry.locateDistribution(),
                RegistryExitProbe.class.getName())
                .redirectErrorStream(true)
                .start();
        assertThat(probe.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        String output = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(probe.exitValue()).as(output).isZero();
        long pid = Long.parseLong(output.lines().filter(l -> l.startsWith("pid=")).findFirst()
                .orElseThrow(() -> new AssertionError("probe printed no pid: " + output)).substring(4));

        // The hook waits for the registry to stop before the probe JVM exits.
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("registry process %d still alive after its parent JVM exited", pid).isFalse();
    }

    @Test
    void shouldSayHowToGetTheRegistryWhenItIsMissing(@TempDir Path empty) {
        assertThatThrownBy(() -> ApicurioRegistry.start(empty, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("./mvnw package");
    }
}

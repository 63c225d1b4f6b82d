package io.segline.monitor;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class HttpApiTest {
    @Test
    void shouldRefuseToServeWithoutATokenWhereOtherHostsCanReachIt() {
        assertThatThrownBy(() -> HttpApi.checkBinding("0.0.0.0", null, false, "SEGLINE_HTTP_TOKEN"))
                .hasMessageContaining("segline.http.bind=0.0.0.0").hasMessageContaining("SEGLINE_HTTP_TOKEN")
                .hasMessageContaining("segline.http.insecure=true");
        assertThatThrownBy(() -> HttpApi.checkBinding("0.0.0.0", "", false, "SEGLINE_HTTP_TOKEN")).hasMessageContaining("no API token");
        assertThatCode(() -> HttpApi.checkBinding("0.0.0.0", "s3cret", false, "SEGLINE_HTTP_TOKEN")).doesNotThrowAnyException();
        assertThatCode(() -> HttpApi.checkBinding("0.0.0.0", null, true, "SEGLINE_HTTP_TOKEN")).doesNotThrowAnyException();
        assertThatCode(() -> HttpApi.checkBinding("127.0.0.1", null, false, "SEGLINE_HTTP_TOKEN")).doesNotThrowAnyException();
        assertThatCode(() -> HttpApi.checkBinding("localhost", null, false, "SEGLINE_HTTP_TOKEN")).doesNotThrowAnyException();
    }

    @Test
    void shouldBeLiveAtOnceAndReadyOnlyOnceTheLineRuns() throws Exception {
        try (HttpApi api = HttpApi.start("127.0.0.1", 0, "127.0.0.1", "t0ken")) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + api.port();
            HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("NOT_STARTED");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/lines")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(401);
        }
    }
}

package io.segline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segline.records.Alert;
import io.segline.serde.SchemaRegistryException.IncompatibleSchemaException;
import io.segline.serde.SchemaRegistryException.RegistryAuthorizationException;
import io.segline.serde.SchemaRegistryException.RegistryUnavailableException;
import io.segline.serde.SchemaRegistryException.SchemaNotFoundException;
import io.segline.serde.SchemaRegistryException.SubjectNotFoundException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The REST client against a scripted local HTTP server: real HTTP, answers chosen by the test. */
class RestSchemaRegistryClientTest {
    private static final Schema SCHEMA = Alert.getClassSchema();
    private final ScriptedRegistryServer server = new ScriptedRegistryServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private RestSchemaRegistryClient client(Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(Map.of(
                RegistryConfig.URL, server.url(),
                RegistryConfig.RETRIES_WAIT_MS, "5",
                RegistryConfig.RETRIES_MAX_WAIT_MS, "20"));
        props.putAll(extra);
        return new RestSchemaRegistryClient(RegistryConfig.fromMap(props));
    }

    @Test
    void shouldRegisterUnderTheSubjectWithTheSchemaAsJson() throws Exception {
        server.answer(200, "{\"id\": 17}");
        assertThat(client(Map.of()).register("segline.alerts.v1-value", SCHEMA)).isEqualTo(17);

        ScriptedRegistryServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo("/subjects/segline.alerts.v1-value/versions");
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(new Schema.Parser().parse(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(request.body()).get("schema").asText()))
                .isEqualTo(SCHEMA);
    }

    @Test
    void shouldEncodeSubjectsThatNeedIt() {
        server.answer(200, "{\"id\": 1}");
        client(Map.of()).register("odd topic/name-value", SCHEMA);
        assertThat(server.requests().get(0).rawPath()).isEqualTo("/subjects/odd%20topic%2Fname-value/versions");
    }

    @Test
    void shouldRetryServerErrorsWithBackoffThenSucceed() {
        server.answer(503, "").answer(500, "{\"error_code\":50001,\"message\":\"store busy\"}").answer(200, "{\"id\": 3}");
        assertThat(client(Map.of()).register("s-value", SCHEMA)).isEqualTo(3);
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void shouldGiveUpAfterMaxRetriesSayingWhy() {
        server.answer(503, "").answer(503, "").answer(503, "{\"message\":\"still starting\"}");
        assertThatThrownBy(() -> client(Map.of(RegistryConfig.MAX_RETRIES, "2")).register("s-value", SCHEMA))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("after 3 attempt(s)")
                .hasMessageContaining("HTTP 503 still starting");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void shouldNotRetryClientErrors() {
        server.answer(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");
        assertThatThrownBy(() -> client(Map.of()).register("s-value", SCHEMA))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("s-value")
                .hasMessageContaining("HTTP 422")
                .hasMessageContaining("Invalid schema")
                .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(42201));
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void shouldNameTheSubjectAndRegistryMessageWhenIncompatible() {
        server.answer(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}");
        assertThatThrownBy(() -> client(Map.of()).register("segline.images.v1-value", SCHEMA))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("'segline.images.v1-value'")
                .hasMessageContaining("incompatible with an earlier schema");
    }

    @Test
    void shouldTakeA409ForARegistrationThatRacedAnotherClientAsSuccess() {
        // Apicurio answers the loser of two simultaneous registrations with 409 "already exists".
        server.answer(409, "{\"error_code\":409,\"message\":\"An artifact with ID 's-value' already exists.\"}")
                .answer(200, "{\"subject\":\"s-value\",\"id\":12,\"version\":1,\"schema\":\"\"}");
        assertThat(client(Map.of()).register("s-value", SCHEMA)).isEqualTo(12);
        assertThat(server.requests()).extracting(ScriptedRegistryServer.Request::rawPath)
                .containsExactly("/subjects/s-value/versions", "/subjects/s-value");
    }

    @Test
    void shouldTellUnknownIdsFromUnknownSubjects() {
        server.answer(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}")
                .answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
        RestSchemaRegistryClient client = client(Map.of());
        assertThatThrownBy(() -> client.schemaById(99))
                .isInstanceOf(SchemaNotFoundException.class).hasMessageContaining("99");
        assertThatThrownBy(() -> client.latest("nope-value"))
                .isInstanceOf(SubjectNotFoundException.class).hasMessageContaining("nope-value");
    }

    @Test
    void shouldReadSchemasAndVersions() {
        String escaped = SCHEMA.toString().replace("\\", "\\\\").replace("\"", "\\\"");
        server.answer(200, "{\"schema\":\"" + escaped + "\"}")
                .answer(200, "{\"subject\":\"a-value\",\"id\":4,\"version\":2,\"schema\":\"" + escaped + "\"}")
                .answer(200, "{\"subject\":\"a-value\",\"id\":4,\"version\":2,\"schema\":\"" + escaped + "\"}");
        RestSchemaRegistryClient client = client(Map.of());
        assertThat(client.schemaById(4)).isEqualTo(SCHEMA);
        assertThat(client.lookup("a-value", SCHEMA)).isEqualTo(new RegisteredSchema("a-value", 2, 4, SCHEMA));
        assertThat(client.latest("a-value")).isEqualTo(new RegisteredSchema("a-value", 2, 4, SCHEMA));
        assertThat(server.requests()).extracting(ScriptedRegistryServer.Request::rawPath)
                .containsExactly("/schemas/ids/4", "/subjects/a-value", "/subjects/a-value/versions/latest");
    }

    @Test
    void shouldReadCompatibilityAnswersOfConfluentAndApicurio() {
        server.answer(200, "{\"is_compatible\":false,\"messages\":[\"READER_FIELD_MISSING_DEFAULT_VALUE at /fields/3\"]}")
                .answer(200, "{\"is_compatible\":false,\"reason\":\"Incompatible artifact: y at /fields/1\"}")
                .answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
        RestSchemaRegistryClient client = client(Map.of());
        assertThat(client.testCompatibility("a-value", SCHEMA))
                .isEqualTo(new CompatibilityResult(false, java.util.List.of("READER_FIELD_MISSING_DEFAULT_VALUE at /fields/3")));
        assertThat(client.testCompatibility("a-value", SCHEMA).messages()).containsExactly("Incompatible artifact: y at /fields/1");
        assertThat(client.testCompatibility("new-value", SCHEMA).compatible()).isTrue();
        assertThat(server.requests().get(0).rawPath()).isEqualTo("/compatibility/subjects/a-value/versions/latest");
    }

    @Test
    void shouldSendBasicAuthFromUserInfo() {
        server.answer(200, "{\"id\": 1}");
        client(Map.of(RegistryConfig.CREDENTIALS_SOURCE, "USER_INFO", RegistryConfig.USER_INFO, "alice:s3cret"))
                .register("s-value", SCHEMA);
        assertThat(server.requests().get(0).authorization())
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldSendBasicAuthFromTheUrlAndKeepItOutOfMessages() {
        server.answer(401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}");
        String url = server.url().replace("http://", "http://bob:hunter2@");
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(RegistryConfig.forUrl(url));
        assertThatThrownBy(() -> client.register("s-value", SCHEMA))
                .isInstanceOf(RegistryAuthorizationException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("basic.auth.user.info")
                .hasMessageNotContaining("hunter2");
        assertThat(server.requests().get(0).authorization())
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("bob:hunter2".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldFailOverToTheNextUrlWhenOneRefusesConnections() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        server.answer(200, "{\"id\": 8}");
        RestSchemaRegistryClient client = client(Map.of(RegistryConfig.URL, "http://127.0.0.1:" + deadPort + "," + server.url()));
        assertThat(client.register("s-value", SCHEMA)).isEqualTo(8);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void shouldReportAnUnreachableRegistryAfterRetrying() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        RestSchemaRegistryClient client = client(Map.of(RegistryConfig.URL, "http://127.0.0.1:" + deadPort,
                RegistryConfig.MAX_RETRIES, "1"));
        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + deadPort)
                .hasMessageContaining("after 2 attempt(s)")
                .hasMessageContaining("ConnectException");
    }
}

package io.segline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.records.ImageCaptured;
import io.segline.records.ImageReference;
import io.segline.records.InlineImage;
import io.segline.records.SampleRecords;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with independent clients: Debian's python3-confluent-kafka (SchemaRegistryClient)
 * and python3-avro (Apache Avro for Python), run under /usr/bin/python3 against the real registry.
 */
@Tag("integration")
class PythonInteropIT {
    private static final String PYTHON = System.getProperty("segline.test.python", "/usr/bin/python3");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Boolean clientsPresent;

    /** Checked per test, so that every skipped test is reported with the reason. */
    @BeforeEach
    void requirePythonClients() throws Exception {
        if (clientsPresent == null) {
            clientsPresent = Files.isExecutable(Path.of(PYTHON))
                    && run(List.of(PYTHON, "-c", "import confluent_kafka.schema_registry, avro.io")).exitCode() == 0;
        }
        assumeTrue(clientsPresent, "Skipped: the independent Python clients are not importable by " + PYTHON
                + ". Install them with 'apt-get install -y python3-confluent-kafka python3-avro python3-requests'"
                + " (.ci/run does this).");
    }

    @Test
    void shouldBeReadByConfluentKafkaPythonAndApacheAvro() throws Exception {
        ImageCaptured record = ImageCaptured.newBuilder(SampleRecords.imageCaptured())
                .setCaption("Green Tārā (སྒྲོལ་ལྗང་།) on a lotus, written by segline")
                .build();
        SpecificAvroSerde<ImageCaptured> serde = new SpecificAvroSerde<>(ImageCaptured.class);
        serde.configure(Map.of(RegistryConfig.URL, RealRegistry.url()), false);
        byte[] bytes = serde.serializer().serialize("interop.segline.images", record);
        Path file = dir.resolve("record.bin");
        Files.write(file, bytes);

        Result result = run(List.of(PYTHON, script("read_confluent_avro.py"), RealRegistry.url(), file.toString()));
        assertThat(result.exitCode()).as("python stderr: %s", result.stderr()).isZero();

        JsonNode read = JSON.readTree(result.stdout());
        assertThat(read.get("schemaId").asInt()).isEqualTo(WireFormat.schemaId("t", bytes));
        assertThat(read.get("schemaName").asText()).isEqualTo("io.segline.records.ImageCaptured");
        JsonNode value = read.get("record");
        assertThat(value.get("imageId").asText()).isEqualTo("thangka-0001");
        assertThat(value.get("caption").asText()).isEqualTo(record.getCaption());
        assertThat(Instant.parse(value.get("capturedAt").asText().replace("+00:00", "Z"))).isEqualTo(record.getCapturedAt());
        assertThat(value.get("image").get("data").asText())
                .isEqualTo(HexFormat.of().formatHex(bytesOf(((InlineImage) record.getImage()).getData())));
        assertThat(value.get("groundTruthMask").asText()).isEqualTo(HexFormat.of().formatHex(bytesOf(record.getGroundTruthMask())));
        assertThat(value.get("metadata").get("accession").asText()).isEqualTo("1999.12.3");
    }

    @Test
    void shouldReadRecordsFramedByPython() throws Exception {
        Path schema = dir.resolve("ImageCaptured.avsc");
        Files.writeString(schema, ImageCaptured.getClassSchema().toString());
        Path file = dir.resolve("from-python.bin");
        Result result = run(List.of(PYTHON, script("write_confluent_avro.py"), RealRegistry.url(),
                "interop.python.images-value", schema.toString(), file.toString()));
        assertThat(result.exitCode()).as("python stderr: %s", result.stderr()).isZero();
        int pythonId = Integer.parseInt(result.stdout().trim());

        byte[] bytes = Files.readAllBytes(file);
        assertThat(WireFormat.schemaId("interop.python.images", bytes)).isEqualTo(pythonId);
        SpecificAvroSerde<ImageCaptured> serde = new SpecificAvroSerde<>(ImageCaptured.class);
        serde.configure(Map.of(RegistryConfig.URL, RealRegistry.url()), false);
        ImageCaptured read = serde.deserializer().deserialize("interop.python.images", bytes);

        assertThat(read.getImageId()).isEqualTo("from-python-0001");
        assertThat(read.getCaption()).isEqualTo("Thangka of Tārā (སྒྲོལ་མ།) seated on a lotus, written by Python");
        assertThat(read.getCapturedAt()).isEqualTo(Instant.parse("2026-02-03T04:05:06.789Z"));
        assertThat(read.getImage()).isInstanceOf(ImageReference.class);
        ImageReference reference = (ImageReference) read.getImage();
        assertThat(reference.getUri()).isEqualTo("file:///scans/from-python-0001.tif");
        assertThat(reference.getSizeBytes()).isEqualTo(123_456_789L);
        assertThat(bytesOf(read.getGroundTruthMask())).isEqualTo("\u0089PNG-not-really".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(read.getMetadata()).containsEntry("client", "python3-confluent-kafka");
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private String script(String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = PythonInteropIT.class.getResourceAsStream("/interop/" + name)) {
            Files.copy(in, target);
        }
        return target.toString();
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).start();
        process.getOutputStream().close();
        // The outputs are small; reading them after exit cannot dead-lock.
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Timed out: " + command);
        }
        return new Result(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}

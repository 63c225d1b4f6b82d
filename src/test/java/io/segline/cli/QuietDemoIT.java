package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees of {@code segline demo}, run from the packaged jar as the README says: no WARN or
 * ERROR line (log4j's own configuration, Kafka's start-up warnings about internal topics and temporary
 * folders); {@code --verbose} brings Kafka's logging back.
 */
@Tag("integration")
class QuietDemoIT {
    private static final Path JAR = Path.of("target", "segline.jar");

    @TempDir
    Path dir;

    @Test
    void shouldPrintNoWarningOrErrorByDefault() throws Exception {
        String output = demo(dir.resolve("quiet"), "--count", "20");
        assertThat(output).contains("20 of 20 images segmented, 0 dead letter(s)");
        List<String> noisy = output.lines().filter(line -> line.contains("WARN") || line.contains("ERROR")).toList();
        assertThat(noisy).as("WARN and ERROR lines of the demo").isEmpty();
    }

    @Test
    void shouldShowKafkasOwnLoggingWhenVerbose() throws Exception {
        String output = demo(dir.resolve("verbose"), "--verbose", "--count", "1");
        assertThat(output).contains("1 of 1 images segmented");
        assertThat(output.lines().filter(line -> line.contains(" INFO org.apache.kafka.")).count())
                .as("Kafka's INFO lines with --verbose").isGreaterThan(10);
    }

    private static String demo(Path out, String... args) throws Exception {
        assertThat(JAR).as("the packaged jar (mvn package builds it before the integration tests)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-jar", JAR.toString(), "demo", "--out", out.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("segline-demo-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the demo ends").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}

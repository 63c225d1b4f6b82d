package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The short soak of CI: two line processes, three SIGKILLs and a broker bounce over 90 captures (some not images);
 * every capture has exactly one outcome read committed. The long run (1,000 captures, 10 kills, the diffusion model)
 * is `segline soak` with its defaults; its figures are in the README.
 */
@Tag("integration")
class SoakIT {
    @TempDir
    Path out;

    @Test
    void shouldGiveEveryCaptureExactlyOneOutcomeThroughKillsAndABrokerBounce() throws Exception {
        StringWriter text = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(text, true));

        int exit = cli.execute("soak", "--captures", "90", "--kills", "3", "--instances", "2", "--partitions", "2", "--bad-every", "15",
                "--size", "128x160", "--segmenter", "baseline", "--broker-bounce", "PT3S", "--timeout", "PT5M", "--out", out.toString());

        assertThat(exit).as(text.toString()).isZero();
        JsonNode report = new ObjectMapper().readTree(Files.readString(out.resolve("soak.json")));
        assertThat(report.path("lost").asInt()).isZero();
        assertThat(report.path("duplicated").asInt()).isZero();
        assertThat(report.path("bad").asInt()).isEqualTo(6);
        assertThat(report.path("kills")).hasSize(3);
        int recovered = 0;
        for (JsonNode kill : report.path("kills")) {
            // A kill that comes when every capture is done finds nothing to recover (the fast baseline can finish first).
            if (kill.path("partitionsWaiting").asInt() > 0) {
                assertThat(kill.path("seconds").asDouble()).as(kill.toString()).isPositive();
                recovered++;
            }
        }
        assertThat(recovered).as("kills that found work waiting").isPositive();
        assertThat(report.path("brokerBounce").path("recoverySeconds").asDouble()).isGreaterThanOrEqualTo(3.0);
        assertThat(text.toString()).contains("0 lost, 0 duplicated");
    }
}

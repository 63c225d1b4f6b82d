package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `segline bench` end to end on a few images: both modes for each batch size, every image through the stream. */
@Tag("integration")
class BenchIT {
    @Test
    void shouldMeasureDirectAndStreamRunsForEachBatchSize() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("bench", "--count", "20", "--batch-sizes", "1,2", "--size", "128x160", "--json")).as(out.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode report = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(report.path("runs")).hasSize(4);
        for (JsonNode run : report.path("runs")) {
            assertThat(run.path("imagesPerSecond").asDouble()).as(run.toString()).isPositive();
            assertThat(run.path("rssEndKb").asLong()).isPositive();
            assertThat(run.path("stages").path("segment").path("p50Ms").asDouble()).isPositive();
            if (run.path("mode").asText().equals("stream")) {
                assertThat(run.path("streamToDirect").asDouble()).isPositive();
                assertThat(run.path("latencyP95Ms").asDouble()).isGreaterThanOrEqualTo(run.path("latencyP50Ms").asDouble());
            }
        }
        assertThat(report.path("bestStreamToDirect").asDouble()).isPositive();
        assertThat(out.toString()).contains("Best stream/direct throughput ratio");
    }
}

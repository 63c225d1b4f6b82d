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
        assertThat(cli.execute("bench", "--count", "20", "--batch-sizes", "1,2", "--repeat", "2", "--size", "128x160", "--json"))
                .as(out.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode report = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(report.path("runs")).as("two rounds of direct and stream for each batch size").hasSize(8);
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(report.path("streamThreads").asInt()).as("one model per core by default").isEqualTo(cores);
        assertThat(report.path("partitions").asInt()).as("a partition for every stream thread").isEqualTo(cores);
        assertThat(out.toString()).contains("warm-up stream 1 on 10 images");
        for (JsonNode run : report.path("runs")) {
            assertThat(run.path("imagesPerSecond").asDouble()).as(run.toString()).isPositive();
            assertThat(run.has("jitSeconds") && run.path("jitSeconds").asDouble() >= 0).as(run.toString()).isTrue();
            assertThat(run.path("rssEndKb").asLong()).isPositive();
            assertThat(run.path("stages").path("segment").path("p50Ms").asDouble()).isPositive();
            if (run.path("mode").asText().equals("stream")) {
                assertThat(run.path("streamToDirect").asDouble()).isPositive();
                assertThat(run.path("latencyP95Ms").asDouble()).isGreaterThanOrEqualTo(run.path("latencyP50Ms").asDouble());
            }
        }
        assertThat(report.path("bestStreamToDirect").asDouble()).isPositive();
        assertThat(report.path("summary")).hasSize(2);
        for (JsonNode row : report.path("summary")) {
            assertThat(row.path("streamToDirect").asDouble()).isBetween(row.path("streamToDirectMin").asDouble(),
                    row.path("streamToDirectMax").asDouble());
        }
        assertThat(report.path("fastestStreamBatchSize").asInt()).isIn(1, 2);
        assertThat(out.toString()).contains("Fastest stream: batch");
        assertThat(out.toString()).contains("Best stream/direct throughput ratio");
    }

    @Test
    void shouldSpreadBothModesOverAsManyThreadsAsTheStreamHas() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("bench", "--count", "20", "--batch-sizes", "2", "--size", "128x160", "--segmenter", "baseline",
                "--partitions", "2", "--set", "num.stream.threads=2", "--json")).as(out.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode report = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(report.path("runs")).hasSize(2);
        assertThat(report.path("streamThreads").asInt()).isEqualTo(2);
        assertThat(report.path("partitions").asInt()).isEqualTo(2);
        for (JsonNode run : report.path("runs")) {
            assertThat(run.path("imagesPerSecond").asDouble() * run.path("seconds").asDouble()).as(run.toString())
                    .isCloseTo(20, org.assertj.core.api.Assertions.within(0.01));
        }
    }

    @Test
    void shouldRefuseARepeatBelowOne() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("bench", "--repeat", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--repeat must be at least 1");
        assertThat(cli.execute("bench", "--set", "num.stream.threads=two")).isEqualTo(2);
        assertThat(err.toString()).contains("num.stream.threads must be a whole number of at least 1, not 'two'");
        assertThat(cli.execute("bench", "--broker", "remote")).isEqualTo(2);
        assertThat(err.toString()).contains("--broker must be process or in-jvm, not 'remote'");
    }
}

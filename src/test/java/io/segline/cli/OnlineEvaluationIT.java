package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.Main;
import io.segline.config.SeglineConfig;
import io.segline.dataset.SynthWriter;
import io.segline.line.StreamsRunner;
import io.segline.testing.TestCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The same folder scored offline (`segline evaluate`) and online (produce, line, `subscribe --report`) gives the same numbers. */
@Tag("integration")
class OnlineEvaluationIT {
    @TempDir
    Path dir;

    private static String run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute(args.toArray(String[]::new))).as("%s%n%s%n%s", args, out, err).isZero();
        return out.toString();
    }

    private static JsonNode lastJson(String output) throws Exception {
        List<String> lines = output.lines().toList();
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }

    @Test
    void shouldScoreTheSameOnlineAsOffline() throws Exception {
        Path set = dir.resolve("set");
        SynthWriter.write(set, 8, 21, "mixed", 128, 160, () -> { });
        JsonNode offline = lastJson(run(List.of("evaluate", "--dataset", set.toString(), "--json", "--no-progress",
                "--report", dir.resolve("report").toString())));

        SeglineConfig config = TestCluster.config("online-eval", Map.of());
        List<String> connection = new ArrayList<>();
        config.values().forEach((k, v) -> {
            connection.add("--set");
            connection.add(k + "=" + v);
        });
        try (StreamsRunner line = new StreamsRunner(config)) {
            line.start();
            List<String> produce = new ArrayList<>(List.of("produce", "--dataset", set.toString(), "--no-progress"));
            produce.addAll(connection);
            run(produce);
            List<String> subscribe = new ArrayList<>(List.of("subscribe", "--out", dir.resolve("out").toString(),
                    "--from-beginning", "--count", "8", "--report"));
            subscribe.addAll(connection);
            JsonNode online = lastJson(run(subscribe));

            assertThat(online.get("images").asInt()).isEqualTo(8);
            for (String key : List.of("mIoU", "dice", "mAcc", "pixAcc")) {
                assertThat(online.get(key).asDouble()).as(key).isCloseTo(offline.get(key).asDouble(), within(1e-12));
            }
            offline.get("perClassIoU").fields().forEachRemaining(e ->
                    assertThat(online.get("perClassIoU").get(e.getKey()).asDouble()).as(e.getKey())
                            .isCloseTo(e.getValue().asDouble(), within(1e-12)));
            assertThat(online.get("macroAUC").isNull()).as("AUC needs probabilities, offline only").isTrue();
        }
    }
}

package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.Main;
import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.dataset.ThangkaSynth;
import io.segline.line.StreamsRunner;
import io.segline.testing.TestCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `segline produce` and `segline subscribe` against a running line, as an operator would use them. */
@Tag("integration")
class ProduceSubscribeIT {
    @TempDir
    Path dir;

    private String run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args.toArray(String[]::new));
        assertThat(exit).as("%s%nstdout: %s%nstderr: %s", args, out, err).isZero();
        return out.toString();
    }

    @Test
    void shouldProduceADatasetWithClaimChecksAndSubscribeToItsResults() throws Exception {
        Path dataset = dir.resolve("set");
        Files.createDirectories(dataset.resolve("images"));
        ThangkaSynth generator = new ThangkaSynth(160, 200);
        StringBuilder captions = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            String id = "cli-" + i;
            // Every other image is written as (large, uncompressed-ish) TIFF so that it goes by claim check.
            String format = i % 2 == 0 ? "png" : "tiff";
            ImageIO.write(generator.generate(1, i, "clean").image(), format, dataset.resolve("images").resolve(id + "." + (i % 2 == 0 ? "png" : "tif")).toFile());
            captions.append("{\"id\":\"").append(id).append("\",\"caption\":\"A deity, number ").append(i).append("\",\"lineId\":\"line-cli\"}\n");
        }
        Files.writeString(dataset.resolve("captions.jsonl"), captions);

        SeglineConfig config = TestCluster.config("cli", Map.of(
                Keys.MAX_INLINE_BYTES, "60000",
                Keys.CLAIM_CHECK_ROOTS, dataset.toString()));
        List<String> connection = new ArrayList<>();
        config.values().forEach((k, v) -> {
            connection.add("--set");
            connection.add(k + "=" + v);
        });

        try (StreamsRunner line = new StreamsRunner(config)) {
            line.start();
            List<String> produce = new ArrayList<>(List.of("produce", "--dataset", dataset.toString(), "--no-progress"));
            produce.addAll(connection);
            String produced = run(produce);
            assertThat(produced).contains("Produced 6 capture(s)").contains("3 inline, 3 by claim check");

            Path out = dir.resolve("out");
            List<String> subscribe = new ArrayList<>(List.of("subscribe", "--out", out.toString(), "--from-beginning", "--count", "6"));
            subscribe.addAll(connection);
            String printed = run(subscribe);
            assertThat(printed).contains("6 result(s), 0 dead letter(s)");
            assertThat(Files.readAllLines(out.resolve("results.jsonl"))).hasSize(6)
                    .allSatisfy(l -> assertThat(l).contains("\"lineId\":\"line-cli\""));
            assertThat(count(out.resolve("masks"))).isEqualTo(6);
            assertThat(count(out.resolve("overlays"))).as("overlays, claim-checked images included").isEqualTo(6);
        }
    }

    private static long count(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }
}

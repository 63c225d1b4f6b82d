package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `segline demo` end to end: its own broker and registry, N paintings in, N masks, overlays and result lines out. */
@Tag("integration")
class DemoIT {
    @TempDir
    Path out;

    @Test
    void shouldWriteAMaskAnOverlayAndAResultLinePerPainting() throws Exception {
        StringWriter stdout = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(stdout, true));
        int exit = cli.execute("demo", "--count", "5", "--out", out.toString());

        assertThat(exit).as(stdout.toString()).isZero();
        assertThat(count(out.resolve("masks"))).isEqualTo(5);
        assertThat(count(out.resolve("overlays"))).isEqualTo(5);
        assertThat(Files.readAllLines(out.resolve("results.jsonl"))).hasSize(5)
                .allSatisfy(line -> assertThat(line).contains("\"segmenter\":\"diffusion\"").contains("\"areaFractions\""));
        assertThat(count(out.resolve("dataset").resolve("images"))).isEqualTo(5);
        assertThat(stdout.toString()).contains("5 of 5 images segmented, 0 dead letter(s)").contains("thangka-00004").contains("Against the ground-truth masks");

        // A second demo into the same folder sends only its own paintings, not the first run's too.
        StringWriter again = new StringWriter();
        CommandLine second = Main.commandLine();
        second.setOut(new PrintWriter(again, true));
        assertThat(second.execute("demo", "--count", "2", "--seed", "99", "--out", out.toString())).as(again.toString()).isZero();
        assertThat(again.toString()).contains("2 of 2 images segmented, 0 dead letter(s)");
        assertThat(count(out.resolve("dataset").resolve("images"))).isEqualTo(2);
    }

    private static long count(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".png")).count();
        }
    }
}

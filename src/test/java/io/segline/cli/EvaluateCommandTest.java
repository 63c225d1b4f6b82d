package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.Main;
import io.segline.dataset.SynthWriter;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {
    private static final List<String> CLASSES = List.of("background", "figure", "halo", "backlight", "lotus");

    @TempDir
    Path dir;

    @Test
    void shouldPrintJsonWhoseScoresMatchAnIndependentRecomputationFromThePngs() throws Exception {
        Path set = dir.resolve("set");
        SynthWriter.write(set, 10, 11, "mixed", 128, 160, () -> { });
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        int exit = cli.execute("evaluate", "--dataset", set.toString(), "--segmenter", "baseline", "--json", "--no-progress",
                "--predictions", dir.resolve("pred").toString(), "--report", dir.resolve("report").toString());
        assertThat(exit).as(out.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(json.get("images").asInt()).isEqualTo(10);
        assertThat(json.get("macroAUC").asDouble()).isBetween(0.5, 1.0);

        // Independent recomputation: plain loops over the written PNGs, no segline code.
        long[][] confusion = new long[5][5];
        try (Stream<Path> masks = Files.list(set.resolve("masks"))) {
            for (Path mask : masks.toList()) {
                BufferedImage truth = ImageIO.read(mask.toFile());
                BufferedImage predicted = ImageIO.read(dir.resolve("pred").resolve(mask.getFileName()).toFile());
                for (int y = 0; y < truth.getHeight(); y++) {
                    for (int x = 0; x < truth.getWidth(); x++) {
                        int t = truth.getRaster().getSample(x, y, 0);
                        if (t != 255) {
                            confusion[t][predicted.getRaster().getSample(x, y, 0)]++;
                        }
                    }
                }
            }
        }
        double iouSum = 0;
        double diceSum = 0;
        double accSum = 0;
        int present = 0;
        int inTruth = 0;
        long correct = 0;
        long total = 0;
        for (int c = 0; c < 5; c++) {
            long tp = confusion[c][c];
            long fp = 0;
            long fn = 0;
            for (int o = 0; o < 5; o++) {
                fp += o == c ? 0 : confusion[o][c];
                fn += o == c ? 0 : confusion[c][o];
            }
            correct += tp;
            total += tp + fn;
            if (tp + fp + fn > 0) {
                present++;
                iouSum += (double) tp / (tp + fp + fn);
                diceSum += 2.0 * tp / (2.0 * tp + fp + fn);
                assertThat(json.get("perClassIoU").get(CLASSES.get(c)).asDouble()).isCloseTo((double) tp / (tp + fp + fn), within(1e-6));
            }
            if (tp + fn > 0) {
                inTruth++;
                accSum += (double) tp / (tp + fn);
            }
        }
        assertThat(json.get("mIoU").asDouble()).isCloseTo(iouSum / present, within(1e-6));
        assertThat(json.get("dice").asDouble()).isCloseTo(diceSum / present, within(1e-6));
        assertThat(json.get("mAcc").asDouble()).isCloseTo(accSum / inTruth, within(1e-6));
        assertThat(json.get("pixAcc").asDouble()).isCloseTo((double) correct / total, within(1e-6));

        assertThat(dir.resolve("report").resolve("report.md")).content().contains("| all | 10 |").contains("## Per class");
        assertThat(dir.resolve("report").resolve("confusion.png")).exists();
        assertThat(dir.resolve("report").resolve("metrics.json")).content().contains("perStyle");
    }
}

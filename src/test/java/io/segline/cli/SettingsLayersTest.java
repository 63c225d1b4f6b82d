package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The verbs that start their own broker (demo, bench, soak) layer settings as the others do: options over
 * SEGLINE_* over the --config file over the defaults.
 */
class SettingsLayersTest {
    @TempDir
    Path dir;

    @AfterEach
    void restoreEnvironment() {
        ConnectionOptions.environment = System::getenv;
    }

    @Test
    void shouldLayerOptionsOverEnvironmentOverFileForDemoBenchAndSoak() throws Exception {
        Path file = Files.writeString(dir.resolve("line.properties"), String.join("\n",
                "segline.batch.size=3", "segline.output.max.side=640", "segline.refiner=g4seg", "num.stream.threads=1", ""));
        ConnectionOptions.environment = () -> Map.of("SEGLINE_OUTPUT_MAX_SIDE", "320", "SEGLINE_BATCH_LINGER_MS", "77");
        for (String verb : List.of("demo", "bench", "soak")) {
            CommandLine cli = Main.commandLine();
            cli.parseArgs(verb, "--config", file.toString(), "--set", "segline.refiner=none", "--segmenter", "baseline");
            Map<String, String> settings = chosen(cli.getSubcommands().get(verb).getCommand());
            assertThat(settings).as(verb)
                    .containsEntry("segline.batch.size", "3")            // file
                    .containsEntry("num.stream.threads", "1")            // file, a client setting
                    .containsEntry("segline.output.max.side", "320")     // environment over file
                    .containsEntry("segline.batch.linger.ms", "77")      // environment
                    .containsEntry("segline.refiner", "none")            // --set over file
                    .containsEntry("segline.segmenter", "baseline");     // the verb's own option
        }
    }

    private static Map<String, String> chosen(Object command) {
        if (command instanceof DemoCommand demo) {
            return demo.options.chosen(demo.model);
        }
        if (command instanceof BenchCommand bench) {
            return bench.options.chosen(bench.model);
        }
        SoakCommand soak = (SoakCommand) command;
        return soak.options.chosen(soak.model);
    }
}

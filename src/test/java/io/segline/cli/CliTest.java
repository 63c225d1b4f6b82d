package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @AfterEach
    void restoreEnvironment() {
        ConnectionOptions.environment = System::getenv;
    }

    @Test
    void shouldListEveryVerb() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("demo", "run", "produce", "subscribe", "topics");
    }

    @Test
    void shouldExplainEveryOptionOfEveryVerb() {
        assertDescribed(Main.commandLine());
        assertThat(run("subscribe", "--help")).isZero();
        assertThat(out.toString()).contains("--follow", "--from-beginning", "results.jsonl", "overlays");
    }

    private static void assertDescribed(CommandLine command) {
        assertThat(command.getCommandSpec().usageMessage().description()).as(command.getCommandName()).isNotEmpty();
        for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
            assertThat(String.join(" ", option.description())).as("%s %s", command.getCommandName(), option.longestName())
                    .isNotBlank();
        }
        command.getSubcommands().values().forEach(CliTest::assertDescribed);
    }

    @Test
    void shouldPrintEveryVerbsHelpWithoutAFormattingWarning() {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            for (String verb : Main.commandLine().getSubcommands().keySet()) {
                run(verb, "--help");
            }
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString() + err).doesNotContain("picocli WARN").doesNotContain("Could not format");
    }

    @Test
    void shouldExitTwoOnAnUnknownVerb() {
        assertThat(run("export")).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument").contains("export");
    }

    @Test
    void shouldSayWhichSettingIsMissing() {
        ConnectionOptions.environment = Map::of;
        assertThat(run("run", "--schema-registry-url", "http://r:8081")).isEqualTo(1);
        assertThat(err.toString()).contains("bootstrap.servers is not set").contains("SEGLINE_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldRefuseProduceWithoutImages() {
        assertThat(run("produce", "-b", "k:9092", "-r", "http://r:8081")).isEqualTo(2);
        assertThat(err.toString()).contains("--dataset").contains("IMAGE");
    }

    @Test
    void shouldRefuseADemoOfNothing() {
        assertThat(run("demo", "--count", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--count must be at least 1");
    }

    @Test
    void shouldRefuseABadRefinerBeforeAnythingStarts() {
        ConnectionOptions.environment = Map::of;
        // A broker that does not exist: the refusal must come from the settings, before any connection is tried.
        assertThat(run("run", "-b", "127.0.0.1:1", "-r", "http://127.0.0.1:1", "--set", "segline.refiner=g4segg")).isEqualTo(1);
        assertThat(err.toString()).contains("segline.refiner").contains("Unknown refiner 'g4segg'").contains("g4seg, symmetry");
    }

    @Test
    void shouldRefuseG4SegOnAModelWithoutAnImagePathwayOrOnTheBaseline() {
        ConnectionOptions.environment = Map::of;
        assertThat(run("run", "-b", "127.0.0.1:1", "-r", "http://127.0.0.1:1", "--set", "segline.refiner=g4seg+symmetry", "--set",
                "segline.segmenter=baseline")).isEqualTo(1);
        assertThat(err.toString()).contains("segline.refiner").contains("segline.segmenter is baseline");
        assertThat(run("evaluate", "-d", "no-such-folder", "--model", "spirit-s", "--refiner", "g4seg")).isNotZero();
        assertThat(err.toString()).contains("spirit-s has no image pathway");
    }

    @Test
    void shouldRefuseABadUpsamplingMode() {
        assertThat(run("evaluate", "-d", "no-such-folder", "--upsampling", "bicubic")).isNotZero();
        assertThat(err.toString()).contains("segline.output.upsampling").contains("guided, bilinear");
    }
}

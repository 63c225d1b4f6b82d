package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.Main;
import io.segline.serde.MockSchemaRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @AfterEach
    void drop() {
        MockSchemaRegistry.dropScope("demo-test");
    }

    @Test
    void shouldRoundTripEveryRecordTypeAndRegisterEachSubject() {
        assertThat(run("demo", "--registry-url", "mock://demo-test")).isZero();
        assertThat(out.toString().lines().filter(l -> l.endsWith("identical"))).hasSize(7);
        assertThat(MockSchemaRegistry.forScope("demo-test").subjects())
                .contains("segline.images.v1-value", "segline.masks.v1-value", "segline.dlq.v1-value");
    }

    @Test
    void shouldExplainTheDemoInItsHelp() {
        assertThat(run("demo", "--help")).isZero();
        assertThat(out.toString()).contains("schema registry").contains("--registry-url");
    }

    @Test
    void shouldReportABadRegistryUrlClearly() {
        assertThat(run("demo", "--registry-url", "ftp://nowhere")).isEqualTo(1);
        assertThat(err.toString()).contains("segline:").contains("http://, https:// or mock://");
    }
}

package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CaptionCommandTest {
    @TempDir
    Path dir;

    private String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute(args)).isZero();
        return out.toString();
    }

    @Test
    void shouldWriteOneJsonObjectPerCaptionWithIdAttributesAndFinalText() throws Exception {
        Path in = Files.writeString(dir.resolve("captions.jsonl"), String.join("\n",
                "{\"id\": \"a\", \"caption\": \"Four-armed Chenrezig on a lotus throne, without a halo.\"}",
                "",
                "{\"id\": \"b\", \"caption\": \"A landscape with clouds.\"}") + "\n");
        List<String> lines = run("caption", "--in", in.toString(), "--json").lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode a = new ObjectMapper().readTree(lines.get(0));
        assertThat(a.get("id").asText()).isEqualTo("a");
        assertThat(a.get("attributes").get("arm_count").asInt()).isEqualTo(4);
        assertThat(a.get("attributes").get("lotus_seat").asText()).isEqualTo("YES");
        assertThat(a.get("attributes").get("halo").asText()).isEqualTo("NO");
        assertThat(a.get("attributes").get("body_color").asText()).isEqualTo("white");
        assertThat(a.get("final").asText()).contains("The figure has four arms.").contains("There is no halo.");
        JsonNode b = new ObjectMapper().readTree(lines.get(1));
        assertThat(b.get("attributes").get("halo").asText()).as("silence is UNKNOWN, not NO").isEqualTo("UNKNOWN");
        assertThat(b.get("attributes").get("arm_count").isNull()).isTrue();
    }

    @Test
    void shouldPassCaptionsThroughUnchangedWithBackendNone() throws Exception {
        Path in = Files.writeString(dir.resolve("captions.jsonl"), "{\"id\": \"a\", \"caption\": \"Green Tara on a lotus.\"}\n");
        JsonNode a = new ObjectMapper().readTree(run("caption", "--in", in.toString(), "--json", "--backend", "none").trim());
        assertThat(a.get("final").asText()).isEqualTo("Green Tara on a lotus.");
        assertThat(a.get("backend").asText()).isEqualTo("none");
    }

    @Test
    void shouldLetACuratorExtendTheLexiconWithoutRecompiling() throws Exception {
        Path lexicon = Files.writeString(dir.resolve("lexicon.json"),
                "{\"halo\": [\"siras-chakra\"], \"deities\": {\"simhamukha\": {\"body_color\": \"blue\"}}}");
        Path in = Files.writeString(dir.resolve("captions.jsonl"),
                "{\"id\": \"a\", \"caption\": \"Simhamukha, lion-faced, with a siras-chakra behind her head.\"}\n");
        JsonNode before = new ObjectMapper().readTree(run("caption", "--in", in.toString(), "--json").trim());
        JsonNode after = new ObjectMapper().readTree(run("caption", "--in", in.toString(), "--json",
                "--set", "segline.caption.lexicon=" + lexicon).trim());
        assertThat(before.get("attributes").get("halo").asText()).isEqualTo("UNKNOWN");
        assertThat(after.get("attributes").get("halo").asText()).isEqualTo("YES");
        assertThat(after.get("attributes").get("body_color").asText()).isEqualTo("blue");
    }
}

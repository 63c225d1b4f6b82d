package io.segline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segline.caption.CaptionEnricher;
import io.segline.caption.LlmEnricher;
import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.dataset.JsonLines;
import io.segline.records.CaptionAttributes;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.records.InlineImage;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Caption enrichment offline, with the stream's code. */
@Command(name = "caption", mixinStandardHelpOptions = true,
        description = {"Enriches captions offline with the same code as the stream (SPIRIT's TAR): attributes as"
                + " YES/NO/UNKNOWN, arm count, body colour, school; template statements; a condensed rewrite.",
                "Reads captions.jsonl ({\"id\", \"caption\"} per line). With --json writes one JSON object per input line:"
                        + " {\"id\", \"attributes\", \"final\", \"backend\"}; otherwise a readable summary."})
public final class CaptionCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--in"}, required = true, paramLabel = "FILE", description = "captions.jsonl to read.")
    Path in;

    @Option(names = "--backend", defaultValue = "rules",
            description = "rules (deterministic, no network), llm (segline.caption.llm.url, .model; key from the environment"
                    + " variable named by segline.caption.llm.api.key.env, default SEGLINE_LLM_API_KEY) or none (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--json", description = "One JSON object per input line.")
    boolean json;

    @Mixin
    SettingsOptions settings;

    @Override
    public Integer call() {
        SeglineConfig config = settings.config(Map.of(Keys.ENRICHMENT, backend));
        CaptionEnricher enricher = CaptionEnricher.create(config);
        PrintWriter out = spec.commandLine().getOut();
        int[] count = {0};
        JsonLines.forEach(in, (node, number) -> {
            String id = node.path("id").asText("line-" + number);
            EnrichedCaption enriched = enricher.enrich(ImageCaptured.newBuilder()
                    .setImageId(id).setLineId("offline").setScannerId("offline").setCapturedAt(Instant.EPOCH)
                    .setCaption(node.path("caption").asText(""))
                    .setImage(InlineImage.newBuilder().setData(ByteBuffer.allocate(0)).build())
                    .setContentType("image/png").build());
            if (json) {
                ObjectNode result = JSON.createObjectNode().put("id", id);
                result.set("attributes", attributes(enriched.getAttributes()));
                result.put("final", enriched.getFinalText()).put("backend", enriched.getBackend());
                out.println(result);
            } else {
                out.printf("%s [%s]%n  %s%n", id, enriched.getBackend(), enriched.getFinalText());
            }
            count[0]++;
        });
        if (!json) {
            out.printf("%d caption(s) enriched with %s%s%n", count[0], backend,
                    enricher instanceof LlmEnricher llm ? " (" + llm.fallbacks() + " fell back to rules)" : "");
        }
        out.flush();
        return 0;
    }

    static ObjectNode attributes(CaptionAttributes a) {
        ObjectNode node = JSON.createObjectNode()
                .put("single_figure", a.getSingleFigure().name())
                .put("multi_limbed", a.getMultiLimbed().name())
                .put("lotus_seat", a.getLotusSeat().name())
                .put("halo", a.getHalo().name())
                .put("backlight", a.getBacklight().name())
                .put("flames", a.getFlames().name())
                .put("raised_hand", a.getRaisedHand().name())
                .put("degraded", a.getDegraded().name());
        if (a.getArmCount() == null) {
            node.putNull("arm_count");
        } else {
            node.put("arm_count", a.getArmCount());
        }
        node.put("body_color", a.getBodyColor()).put("school", a.getSchool());
        return node;
    }
}

package io.segline.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.caption.Lexicon;
import io.segline.caption.RuleExtractor;
import io.segline.records.CaptionAttributes;
import io.segline.records.Tristate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaintersTest {
    private static int[] areas(Painting p) {
        int[] area = new int[256];
        for (byte b : p.labels()) {
            area[b & 0xff]++;
        }
        return area;
    }

    @ParameterizedTest
    @ValueSource(strings = {"composer", "atelier"})
    void shouldPaintTheSamePaintingForTheSameSeedAndAnotherForAnother(String name) {
        Painter painter = Painter.named(name, 128, 160);
        Painting a = painter.paint(7, 3, "mixed");
        Painting b = painter.paint(7, 3, "mixed");
        Painting c = painter.paint(8, 3, "mixed");
        assertThat(b.labels()).isEqualTo(a.labels());
        assertThat(b.image().getRGB(0, 0, a.image().getWidth(), a.image().getHeight(), null, 0, a.image().getWidth()))
                .isEqualTo(a.image().getRGB(0, 0, a.image().getWidth(), a.image().getHeight(), null, 0, a.image().getWidth()));
        assertThat(c.caption()).isNotEqualTo(a.caption());
        assertThat(a.painter()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"composer", "atelier"})
    void shouldLabelEveryPartItsTruthSaysIsThere(String name) {
        Painter painter = Painter.named(name, 128, 160);
        for (int i = 0; i < 40; i++) {
            Painting p = painter.paint(11, i, i % 4 == 0 ? "hidden" : "mixed");
            int[] area = areas(p);
            Map<String, Object> truth = p.attributes().truth();
            assertThat(area[1]).as("%s figure", p.id()).isPositive();
            assertThat(area[2] > 0).as("%s halo", p.id()).isEqualTo(truth.get("halo"));
            assertThat(area[3] > 0).as("%s backlight", p.id()).isEqualTo(truth.get("backlight"));
            assertThat(area[4] > 0).as("%s lotus", p.id()).isEqualTo(truth.get("lotus_seat"));
            assertThat(area[0] + area[1] + area[2] + area[3] + area[4]).as("only the five classes").isEqualTo(p.labels().length);
            assertThat(p.labels().length).isEqualTo(p.image().getWidth() * p.image().getHeight());
        }
    }

    @Test
    void shouldVaryTheAspectRatioOfTheAtelierAndComposerButNotOfThangkaSynth() {
        java.util.Set<Double> atelier = new java.util.HashSet<>();
        java.util.Set<Double> composer = new java.util.HashSet<>();
        for (int i = 0; i < 30; i++) {
            Painting a = Painter.named("atelier", 256, 320).paint(1, i, "clean");
            atelier.add(Math.round(100.0 * a.image().getWidth() / a.image().getHeight()) / 100.0);
            Painting c = Painter.named("composer", 256, 320).paint(1, i * Composer.COLLECTION_SIZE, "clean");
            composer.add(Math.round(10.0 * c.image().getWidth() / c.image().getHeight()) / 10.0);
        }
        assertThat(atelier).hasSizeGreaterThan(3);
        assertThat(composer).hasSizeGreaterThan(2);
        assertThat(Painter.named("thangka", 256, 320).paint(1, 0, "clean").image().getWidth()).isEqualTo(256);
    }

    @Test
    void shouldGroupTheComposersPaintingsInCollections() {
        Painter composer = Painter.named("composer", 128, 160);
        assertThat(composer.paint(3, 0, "clean").collection()).isEqualTo(composer.paint(3, Composer.COLLECTION_SIZE - 1, "flat").collection());
        assertThat(composer.paint(3, 0, "clean").collection()).isNotEqualTo(composer.paint(3, Composer.COLLECTION_SIZE, "clean").collection());
    }

    @Test
    void shouldNameTheHiddenPartInTheCaptionOfTheHiddenStyle() {
        RuleExtractor rules = new RuleExtractor(Lexicon.builtIn());
        int agree = 0;
        int total = 0;
        for (String name : List.of("composer", "atelier")) {
            Painter painter = Painter.named(name, 128, 160);
            for (int i = 0; i < 30; i++) {
                Painting p = painter.paint(5, i, "hidden");
                CaptionAttributes stated = rules.extract(p.caption());
                Map<String, Object> said = p.attributes().stated();
                for (String key : List.of("halo", "backlight", "lotus_seat")) {
                    Tristate expected = Tristate.valueOf((String) said.get(key));
                    Tristate got = switch (key) {
                        case "halo" -> stated.getHalo();
                        case "backlight" -> stated.getBacklight();
                        default -> stated.getLotusSeat();
                    };
                    total++;
                    if (got == expected) {
                        agree++;
                    }
                }
            }
        }
        // The rules enricher must read what the painters' captions state about the parts they hide.
        assertThat((double) agree / total).as("%d of %d statements read", agree, total).isGreaterThan(0.9);
    }

    @Test
    void shouldWritePainterAndCollectionIntoCaptionsAndRefuseUnknownPainters(@TempDir Path dir) throws Exception {
        SynthWriter.write(dir, Painter.named("atelier", 96, 120), 3, 2, "mixed", () -> { });
        JsonNode first = new ObjectMapper().readTree(Files.readAllLines(dir.resolve("captions.jsonl")).get(0));
        assertThat(first.get("painter").asText()).isEqualTo("atelier");
        assertThat(first.get("collection").asText()).isNotBlank();
        assertThat(DatasetFolder.read(dir).get(0).painter()).contains("atelier");
        assertThatThrownBy(() -> Painter.named("picasso", 96, 120)).hasMessageContaining("thangka, composer, atelier");
        assertThatThrownBy(() -> new ThangkaSynth(96, 120).paint(1, 0, "hidden")).hasMessageContaining("no hidden style");
    }
}

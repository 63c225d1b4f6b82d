package io.segline.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThangkaSynthTest {
    @TempDir
    Path dir;

    private static String hash(Path folder) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                digest.update(folder.relativize(file).toString().getBytes());
                digest.update(Files.readAllBytes(file));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Test
    void shouldWriteTheSameFilesForTheSameSeed() throws Exception {
        SynthWriter.write(dir.resolve("a"), 8, 42, "mixed", 128, 160, () -> { });
        SynthWriter.write(dir.resolve("b"), 8, 42, "mixed", 128, 160, () -> { });
        SynthWriter.write(dir.resolve("c"), 8, 43, "mixed", 128, 160, () -> { });
        assertThat(hash(dir.resolve("a"))).isEqualTo(hash(dir.resolve("b"))).isNotEqualTo(hash(dir.resolve("c")));
        assertThat(DatasetFolder.read(dir.resolve("a"))).hasSize(8)
                .allSatisfy(e -> assertThat(e.mask()).isPresent())
                .allSatisfy(e -> assertThat(e.style()).isPresent());
        assertThat(Files.readAllLines(dir.resolve("a").resolve("attributes.jsonl"))).hasSize(8);
    }

    @Test
    void shouldDrawWhatTheAttributesSay() {
        ThangkaSynth synth = new ThangkaSynth(160, 200);
        for (int i = 0; i < 120; i++) {
            Painting p = synth.generate(5, i, "mixed");
            long[] area = new long[256];
            for (byte label : p.labels()) {
                area[label & 0xff]++;
            }
            Map<String, Object> truth = p.attributes().truth();
            assertThat(area[ThangkaSynth.FIGURE]).as("%s figure", p.id()).isPositive();
            assertThat(area[ThangkaSynth.HALO] > 0).as("%s halo", p.id()).isEqualTo(truth.get("halo"));
            assertThat(area[ThangkaSynth.BACKLIGHT] > 0).as("%s backlight", p.id()).isEqualTo(truth.get("backlight"));
            assertThat(area[ThangkaSynth.LOTUS] > 0).as("%s lotus", p.id()).isEqualTo(truth.get("lotus_seat"));
            for (int label = 5; label < 256; label++) {
                assertThat(area[label]).as("%s label %d", p.id(), label).isZero();
            }
        }
    }

    @Test
    void shouldStateInTheCaptionExactlyWhatTheStatedAttributesRecord() {
        ThangkaSynth synth = new ThangkaSynth(128, 160);
        Map<String, List<String>> words = Map.of(
                "halo", List.of("halo", "nimbus"),
                "lotus_seat", List.of("lotus"),
                "backlight", List.of("aureole", "mandorla"),
                "raised_hand", List.of("raised", "lifted", "hands rest"),
                "degraded", List.of("condition", "faded", "worn", "preserved"));
        int statedSomething = 0;
        for (int i = 0; i < 300; i++) {
            Painting p = synth.generate(9, i, "mixed");
            String caption = p.caption().toLowerCase(Locale.ROOT);
            Map<String, Object> stated = p.attributes().stated();
            Map<String, Object> truth = p.attributes().truth();
            for (Map.Entry<String, List<String>> e : words.entrySet()) {
                Object value = stated.get(e.getKey());
                boolean mentioned = e.getValue().stream().anyMatch(caption::contains);
                if ("UNKNOWN".equals(value)) {
                    assertThat(mentioned).as("%s: %s is UNKNOWN but the caption mentions it: %s", p.id(), e.getKey(), caption).isFalse();
                } else {
                    statedSomething++;
                    assertThat(mentioned).as("%s: %s is %s but the caption is silent: %s", p.id(), e.getKey(), value, caption).isTrue();
                    assertThat(value.equals("YES")).as("%s: stated %s agrees with the painting", p.id(), e.getKey())
                            .isEqualTo(truth.get(e.getKey()));
                }
            }
            if (stated.get("arm_count") != null) {
                assertThat(stated.get("arm_count")).isEqualTo(truth.get("arm_count"));
            }
        }
        assertThat(statedSomething).isGreaterThan(500);
    }

    @Test
    void shouldRefuseUnknownStylesAndTinySizes() {
        assertThatThrownBy(() -> new ThangkaSynth(128, 160).generate(1, 0, "baroque")).hasMessageContaining("clean, flat, degraded or mixed");
        assertThatThrownBy(() -> new ThangkaSynth(10, 10)).hasMessageContaining("at least 64x64");
    }
}

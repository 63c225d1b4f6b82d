package io.segline.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segline.quality.MaskEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Writes a generated set in the dataset layout: {@code images/<id>.png}, {@code masks/<id>.png},
 * {@code captions.jsonl} ({@code id, caption, lineId, style, painter, collection}), {@code attributes.jsonl}
 * ({@code id, style, painter, truth, stated}) and {@code classes.json}. Paintings are drawn in parallel; the files are the same
 * whatever the thread count.
 */
public final class SynthWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SynthWriter() {
    }

    /** Generates {@code count} ThangkaSynth paintings; {@code progress} is told after each one. */
    public static void write(Path out, int count, long seed, String style, int width, int height, Runnable progress) {
        write(out, new ThangkaSynth(width, height), count, seed, style, progress);
    }

    /** Generates {@code count} paintings by {@code painter}; {@code progress} is told after each one. */
    public static void write(Path out, Painter painter, int count, long seed, String style, Runnable progress) {
        String[] captions = new String[count];
        String[] attributes = new String[count];
        try {
            Files.createDirectories(out.resolve("images"));
            Files.createDirectories(out.resolve("masks"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + out, e);
        }
        AtomicInteger failures = new AtomicInteger();
        IntStream.range(0, count).parallel().forEach(i -> {
            Painting p = painter.paint(seed, i, style);
            try {
                ImageIO.write(p.image(), "png", out.resolve("images").resolve(p.id() + ".png").toFile());
                Files.write(out.resolve("masks").resolve(p.id() + ".png"),
                        MaskEncoding.labelMapPng(p.labels(), p.image().getWidth(), p.image().getHeight()));
            } catch (IOException e) {
                failures.incrementAndGet();
                throw new UncheckedIOException(e);
            }
            ObjectNode caption = JSON.createObjectNode().put("id", p.id()).put("caption", p.caption())
                    .put("lineId", "synth").put("style", p.style())
                    .put("painter", p.painter()).put("collection", p.collection());
            captions[i] = caption.toString();
            ObjectNode attribute = JSON.createObjectNode().put("id", p.id()).put("style", p.style()).put("painter", p.painter());
            attribute.set("truth", JSON.valueToTree(p.attributes().truth()));
            attribute.set("stated", JSON.valueToTree(p.attributes().stated()));
            attributes[i] = attribute.toString();
            progress.run();
        });
        try {
            Files.writeString(out.resolve("captions.jsonl"), String.join("\n", captions) + "\n", StandardCharsets.UTF_8);
            Files.writeString(out.resolve("attributes.jsonl"), String.join("\n", attributes) + "\n", StandardCharsets.UTF_8);
            Files.writeString(out.resolve("classes.json"), JSON.writeValueAsString(ThangkaSynth.CLASSES) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

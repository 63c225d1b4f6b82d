package io.segline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.quality.GroundTruth;
import io.segline.quality.MaskEncoding;
import io.segline.quality.Measurer;
import io.segline.quality.Overlays;
import io.segline.quality.SegmentationMetrics;
import io.segline.records.ClassMask;
import io.segline.records.DeadLetter;
import io.segline.records.ImageCaptured;
import io.segline.records.ImageReference;
import io.segline.records.InlineImage;
import io.segline.records.QualityReport;
import io.segline.records.SegmentationResult;
import io.segline.serde.ByteBuffers;
import io.segline.topics.Topics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the line's outputs (read_committed) and writes them to a folder: {@code masks/<id>.png} label
 * maps, {@code overlays/<id>.png} (the image with the classes painted over it, when the capture itself
 * is readable from the images topic), {@code results.jsonl} (one line per image: classes, confidence,
 * verdict, latency) and {@code dead-letters.jsonl}.
 */
public final class ResultSubscriber implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PENDING = 2000;

    /** One finished image, as written to results.jsonl. */
    public record Row(String imageId, String lineId, Map<String, Double> areaFractions, double meanConfidence, String verdict,
            Long latencyMs, String segmenter) {
    }

    /** What a run saw; {@code groundTruth} sums the ground-truth confusion matrices of {@code scoredImages} reports. */
    public record Summary(List<Row> results, List<DeadLetter> deadLetters, SegmentationMetrics groundTruth, int scoredImages) {
    }

    private final Topics topics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Path out;
    private final Map<String, ImageCaptured> images = new LinkedHashMap<>();
    private final Map<String, SegmentationResult> masks = new HashMap<>();
    private final Map<String, QualityReport> reports = new HashMap<>();
    private final Map<String, SegmentationResult> awaitingOverlay = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final SegmentationMetrics groundTruth = new SegmentationMetrics(Measurer.CLASS_NAMES.size());
    private int scoredImages;

    public ResultSubscriber(SeglineConfig config, Path out, boolean fromBeginning) {
        this.topics = Topics.from(config);
        this.out = out;
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, config.getInt(Keys.MAX_RECORD_BYTES) + 1024 * 1024);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.images().name(), topics.masks().name(), topics.quality().name(), topics.deadLetters().name())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        partitions.forEach(consumer::position);
        try {
            Files.createDirectories(out.resolve("masks"));
            Files.createDirectories(out.resolve("overlays"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create output folders under " + out, e);
        }
    }

    /**
     * Consumes until {@code limit} images are finished (results plus dead letters; 0: no limit), or
     * until the outputs present at the start are read when not following, or until asked to stop.
     */
    public Summary run(int limit, boolean follow, BooleanSupplier stop, Consumer<String> progress) {
        Map<TopicPartition, Long> end = new HashMap<>();
        if (!follow) {
            List<TopicPartition> outputs = consumer.assignment().stream()
                    .filter(tp -> !tp.topic().equals(topics.images().name())).toList();
            end.putAll(consumer.endOffsets(outputs));
        }
        long graceUntil = Long.MAX_VALUE;
        while (!stop.getAsBoolean()) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                handle(record, progress);
            }
            boolean limitReached = limit > 0 && rows.size() + deadLetters.size() >= limit;
            boolean caughtUp = !follow && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            if (limitReached || caughtUp) {
                // Captures may trail their results on other partitions; give overlays a moment, then stop.
                if (awaitingOverlay.isEmpty()) {
                    break;
                }
                graceUntil = Math.min(graceUntil, System.currentTimeMillis() + 10_000);
                if (System.currentTimeMillis() > graceUntil) {
                    break;
                }
            }
        }
        return new Summary(List.copyOf(rows), List.copyOf(deadLetters), groundTruth, scoredImages);
    }

    private void handle(ConsumerRecord<byte[], byte[]> record, Consumer<String> progress) {
        String topic = record.topic();
        if (topic.equals(topics.images().name())) {
            ImageCaptured image = topics.images().valueSerde().deserializer().deserialize(topic, record.value());
            if (image == null) {
                return;
            }
            SegmentationResult waiting = awaitingOverlay.remove(image.getImageId());
            if (waiting != null) {
                writeOverlay(image, waiting);
            } else {
                images.put(image.getImageId(), image);
                trim(images);
            }
        } else if (topic.equals(topics.masks().name())) {
            SegmentationResult mask = topics.masks().valueSerde().deserializer().deserialize(topic, record.value());
            write(out.resolve("masks").resolve(safe(mask.getImageId()) + ".png"), labelMapPng(mask));
            ImageCaptured image = images.get(mask.getImageId());
            if (image != null) {
                writeOverlay(image, mask);
            } else {
                awaitingOverlay.put(mask.getImageId(), mask);
                trim(awaitingOverlay);
            }
            masks.put(mask.getImageId(), mask);
            complete(mask.getImageId(), progress);
        } else if (topic.equals(topics.quality().name())) {
            QualityReport report = topics.quality().valueSerde().deserializer().deserialize(topic, record.value());
            reports.put(report.getImageId(), report);
            if (report.getGroundTruth() != null && !report.getGroundTruth().getConfusion().isEmpty()) {
                groundTruth.addConfusion(GroundTruth.confusion(report.getGroundTruth(), Measurer.CLASS_NAMES.size()));
                scoredImages++;
            }
            complete(report.getImageId(), progress);
        } else if (topic.equals(topics.deadLetters().name())) {
            DeadLetter letter = topics.deadLetters().valueSerde().deserializer().deserialize(topic, record.value());
            deadLetters.add(letter);
            if (letter.getImageId() != null) {
                images.remove(letter.getImageId());
            }
            ObjectNode line = JSON.createObjectNode()
                    .put("imageId", letter.getImageId())
                    .put("stage", letter.getStage())
                    .put("errorClass", letter.getErrorClass())
                    .put("message", letter.getMessage())
                    .put("sourceTopic", letter.getSourceTopic())
                    .put("sourcePartition", letter.getSourcePartition())
                    .put("sourceOffset", letter.getSourceOffset());
            append(out.resolve("dead-letters.jsonl"), line.toString());
            progress.accept(String.format("%-24s DEAD LETTER (%s) %s", letter.getImageId(), letter.getStage(), letter.getMessage()));
        }
    }

    private void complete(String imageId, Consumer<String> progress) {
        SegmentationResult mask = masks.get(imageId);
        QualityReport report = reports.get(imageId);
        if (mask == null || report == null) {
            return;
        }
        masks.remove(imageId);
        reports.remove(imageId);
        Map<String, Double> areas = new LinkedHashMap<>();
        for (ClassMask cls : mask.getClasses()) {
            areas.put(cls.getClassName(), cls.getAreaFraction());
        }
        ImageCaptured image = images.get(imageId);
        Long latency = null;
        if (image != null) {
            latency = mask.getProducedAt().toEpochMilli() - image.getCapturedAt().toEpochMilli();
        }
        Row row = new Row(imageId, mask.getLineId(), areas, mask.getMeanConfidence(), report.getVerdict().name(), latency,
                mask.getSegmenter());
        rows.add(row);
        ObjectNode line = JSON.createObjectNode()
                .put("imageId", imageId)
                .put("lineId", row.lineId())
                .put("verdict", row.verdict())
                .put("meanConfidence", row.meanConfidence())
                .put("segmenter", row.segmenter())
                .put("model", mask.getModelName() + ":" + mask.getModelVersion());
        if (latency != null) {
            line.put("latencyMs", latency);
        }
        ObjectNode classes = line.putObject("areaFractions");
        areas.forEach(classes::put);
        line.putArray("reasons").addAll(report.getReasons().stream().map(JSON.getNodeFactory()::textNode).toList());
        append(out.resolve("results.jsonl"), line.toString());
        progress.accept(describe(row));
    }

    /** One line for a person: id, the classes found with their share, confidence, verdict, latency. */
    public static String describe(Row row) {
        StringBuilder classes = new StringBuilder();
        row.areaFractions().forEach((name, fraction) -> {
            if (!name.equals("background") && fraction > 0) {
                classes.append(String.format("%s %.0f%% ", name, 100 * fraction));
            }
        });
        return String.format("%-24s %-40s conf %.2f  %-4s  %s", row.imageId(), classes.toString().trim(),
                row.meanConfidence(), row.verdict(), row.latencyMs() == null ? "" : row.latencyMs() + " ms");
    }

    private void writeOverlay(ImageCaptured capture, SegmentationResult mask) {
        BufferedImage image = decode(capture);
        if (image == null) {
            return;
        }
        int[] size = new int[2];
        byte[] labels = MaskEncoding.readLabelMap(labelMapPng(mask), size);
        int w = size[0];
        int h = size[1];
        BufferedImage overlay = Overlays.draw(image, labels, w, h);
        try {
            ImageIO.write(overlay, "png", out.resolve("overlays").resolve(safe(mask.getImageId()) + ".png").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The result's PNG label map: inline, or read from its claim check ({@code labelMapUri}, a file this
     * machine must see; the line writes it to segline.output.claim.check.dir).
     */
    static byte[] labelMapPng(SegmentationResult mask) {
        if (mask.getLabelMapUri() == null) {
            return ByteBuffers.toArray(mask.getLabelMapPng());
        }
        try {
            return java.nio.file.Files.readAllBytes(java.nio.file.Path.of(java.net.URI.create(mask.getLabelMapUri())));
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException("The label map of " + mask.getImageId() + " was claim-checked to "
                    + mask.getLabelMapUri() + ", which cannot be read here: " + e.getMessage(), e));
        }
    }

    private static BufferedImage decode(ImageCaptured capture) {
        try {
            if (capture.getImage() instanceof InlineImage inline) {
                return ImageIO.read(new ByteArrayInputStream(ByteBuffers.toArray(inline.getData())));
            }
            if (capture.getImage() instanceof ImageReference reference && reference.getUri().startsWith("file:")) {
                return ImageIO.read(Path.of(URI.create(reference.getUri())).toFile());
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static <V> void trim(Map<String, V> map) {
        var it = map.keySet().iterator();
        while (map.size() > MAX_PENDING && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    private static String safe(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void write(Path file, byte[] data) {
        try {
            Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(Path file, String line) {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            writer.write(line);
            writer.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}

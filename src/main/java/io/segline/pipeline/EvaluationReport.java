package io.segline.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segline.quality.Overlays;
import io.segline.quality.SegmentationMetrics;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** Writes an evaluation as Markdown, JSON, a confusion-matrix PNG and a few overlays; formats its tables. */
public final class EvaluationReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvaluationReport() {
    }

    /**
     * The JSON summary: {@code mIoU, dice, mAcc, pixAcc, macroAUC, boundaryF, perClassIoU, perClassBoundaryF, images};
     * undefined values are null.
     */
    public static ObjectNode json(SegmentationMetrics.Result r, int images) {
        ObjectNode node = JSON.createObjectNode();
        put(node, "mIoU", r.mIoU());
        put(node, "dice", r.dice());
        put(node, "mAcc", r.mAcc());
        put(node, "pixAcc", r.pixAcc());
        put(node, "macroAUC", r.macroAUC());
        put(node, "boundaryF", r.boundaryF());
        ObjectNode perClass = node.putObject("perClassIoU");
        r.perClassIoU().forEach((name, v) -> put(perClass, name, v));
        ObjectNode perClassBoundary = node.putObject("perClassBoundaryF");
        r.perClassBoundaryF().forEach((name, v) -> put(perClassBoundary, name, v));
        node.put("images", images);
        return node;
    }

    private static void put(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    /** A Markdown table of the overall and per-style means (percentages). */
    public static String summaryTable(Map<String, SegmentationMetrics.Result> rows, Map<String, Integer> counts) {
        StringBuilder out = new StringBuilder(
                "| set | images | mIoU | Dice | mAcc | PixAcc | macro-AUC | boundary F |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        rows.forEach((name, r) -> out.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s |%n", name,
                counts.getOrDefault(name, 0), pct(r.mIoU()), pct(r.dice()), pct(r.mAcc()), pct(r.pixAcc()), auc(r.macroAUC()),
                auc(r.boundaryF()))));
        return out.toString();
    }

    /** A Markdown table of per-class IoU, Dice, accuracy and AUC. */
    public static String classTable(SegmentationMetrics.Result r) {
        StringBuilder out = new StringBuilder("| class | IoU | Dice | Acc | AUC | boundary F |\n|---|---:|---:|---:|---:|---:|\n");
        r.perClassIoU().keySet().forEach(name -> out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", name,
                pct(r.perClassIoU().get(name)), pct(r.perClassDice().get(name)), pct(r.perClassAcc().get(name)),
                auc(r.perClassAUC().get(name)), auc(r.perClassBoundaryF().getOrDefault(name, Double.NaN)))));
        return out.toString();
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", 100 * v);
    }

    static String auc(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** Writes report.md, metrics.json, confusion.png and overlays of the best and worst images to {@code dir}. */
    public static void write(Path dir, String title, Map<String, SegmentationMetrics.Result> rows, Map<String, Integer> counts,
            SegmentationMetrics.Result overall, List<String> classNames, List<Evaluator.ImageScore> scores,
            Map<String, String> failures) {
        try {
            Files.createDirectories(dir.resolve("overlays"));
            ImageIO.write(confusionImage(overall.confusion(), classNames), "png", dir.resolve("confusion.png").toFile());
            ObjectNode metrics = json(overall, counts.getOrDefault("all", 0));
            ObjectNode perStyle = metrics.putObject("perStyle");
            rows.forEach((name, r) -> {
                if (!name.equals("all")) {
                    perStyle.set(name, json(r, counts.getOrDefault(name, 0)));
                }
            });
            Files.writeString(dir.resolve("metrics.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(metrics) + "\n");
            StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
            md.append("Metrics in percent (SPIRIT §4.1): classes absent from both prediction and truth are left out of the means.\n\n");
            md.append(summaryTable(rows, counts)).append("\n## Per class\n\n").append(classTable(overall));
            md.append("\n## Confusion matrix (rows: truth, columns: prediction, pixels)\n\n![confusion](confusion.png)\n\n");
            md.append("| truth \\ predicted | ").append(String.join(" | ", classNames)).append(" |\n|---|");
            md.append("---:|".repeat(classNames.size())).append('\n');
            long[][] confusion = overall.confusion();
            for (int t = 0; t < confusion.length; t++) {
                md.append("| ").append(classNames.get(t));
                for (long v : confusion[t]) {
                    md.append(" | ").append(v);
                }
                md.append(" |\n");
            }
            List<Evaluator.ImageScore> sorted = scores.stream().sorted(Comparator.comparingDouble(Evaluator.ImageScore::mIoU)).toList();
            List<Evaluator.ImageScore> shown = new java.util.ArrayList<>();
            shown.addAll(sorted.subList(0, Math.min(3, sorted.size())));
            shown.addAll(sorted.subList(Math.max(shown.size(), sorted.size() - 3), sorted.size()));
            md.append("\n## Worst and best images\n\n| image | style | mIoU | overlay |\n|---|---|---:|---|\n");
            for (Evaluator.ImageScore score : shown) {
                BufferedImage image = ImageIO.read(score.image().toFile());
                if (image != null) {
                    ImageIO.write(Overlays.draw(image, score.predicted(), score.width(), score.height()), "png",
                            dir.resolve("overlays").resolve(score.id() + ".png").toFile());
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | ![%s](overlays/%s.png) |%n", score.id(), score.style(),
                        pct(score.mIoU()), score.id(), score.id()));
            }
            if (!failures.isEmpty()) {
                md.append("\n## Images that could not be evaluated\n\n");
                failures.forEach((id, why) -> md.append("- ").append(id).append(": ").append(why).append('\n'));
            }
            Files.writeString(dir.resolve("report.md"), md, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Row-normalised confusion matrix as a heat map; labelled when fonts are available. */
    static BufferedImage confusionImage(long[][] confusion, List<String> names) {
        int n = confusion.length;
        int cell = 64;
        int margin = 90;
        BufferedImage image = new BufferedImage(margin + n * cell, margin + n * cell, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        boolean text = true;
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        } catch (RuntimeException | Error e) {
            text = false;
        }
        for (int t = 0; t < n; t++) {
            long rowSum = 0;
            for (long v : confusion[t]) {
                rowSum += v;
            }
            for (int p = 0; p < n; p++) {
                double share = rowSum == 0 ? 0 : (double) confusion[t][p] / rowSum;
                int shade = (int) Math.round(255 * (1 - share));
                g.setColor(new Color(shade, shade, 255));
                g.fillRect(margin + p * cell, margin + t * cell, cell, cell);
                if (text) {
                    g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                    g.drawString(String.format(Locale.ROOT, "%.2f", share), margin + p * cell + 18, margin + t * cell + 36);
                }
            }
        }
        if (text) {
            g.setColor(Color.BLACK);
            for (int i = 0; i < n && i < names.size(); i++) {
                g.drawString(names.get(i), 4, margin + i * cell + 36);
                g.drawString(names.get(i), margin + i * cell + 4, margin - 8);
            }
            g.drawString("truth \u2193  predicted \u2192", 4, 14);
        }
        g.dispose();
        return image;
    }
}

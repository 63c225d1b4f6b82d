package io.segline.model.diffusion;

import io.segline.dataset.DatasetFolder;
import io.segline.quality.GroundTruth;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The annotated paintings a model's support–query attention conditions on ({@code segline.support}): a
 * dataset folder of K labelled paintings of the collection being segmented, read once per model owner.
 * Images are resampled to the model's input as in serving; masks become class fractions on the
 * bottleneck grid (1/8 of the input).
 *
 * @param count  K, the number of paintings
 * @param images planar RGB in [0,1], {@code K×3×H×W}
 * @param masks  class fractions, {@code K×classes×(H/8)×(W/8)}
 */
public record SupportSet(int count, float[] images, float[] masks, List<String> ids) {
    /** The most paintings a support set may hold: every one adds keys to every denoising step. */
    public static final int MAX = 32;

    /** Fails with a clear message when {@code dir} is not a usable support folder. */
    public static void check(Path dir) {
        if (!Files.isDirectory(dir.resolve("images"))) {
            throw new IllegalArgumentException("segline.support=" + dir + " is not a dataset folder (it needs images/ and masks/)");
        }
        long labelled = DatasetFolder.read(dir).stream().filter(e -> e.mask().isPresent()).count();
        if (labelled == 0) {
            throw new IllegalArgumentException("segline.support=" + dir + " has no labelled paintings (masks/<id>.png)");
        }
        if (labelled > MAX) {
            throw new IllegalArgumentException("segline.support=" + dir + " has " + labelled + " labelled paintings; at most " + MAX
                    + " are used as support (each adds attention keys to every denoising step)");
        }
    }

    /** Reads the labelled paintings of {@code dir} for a model of this shape; its classes must be the model's. */
    public static SupportSet load(Path dir, DiffusionConfig shape) {
        check(dir);
        DatasetFolder.requireClasses(dir, shape.classNames());
        List<DatasetFolder.Entry> entries = DatasetFolder.read(dir).stream().filter(e -> e.mask().isPresent()).toList();
        int w = shape.inputWidth();
        int h = shape.inputHeight();
        int k = shape.classes();
        int gw = w / 8;
        int gh = h / 8;
        float[] images = new float[entries.size() * 3 * w * h];
        float[] masks = new float[entries.size() * k * gw * gh];
        for (int i = 0; i < entries.size(); i++) {
            DatasetFolder.Entry entry = entries.get(i);
            try {
                BufferedImage image = ImageIO.read(entry.image().toFile());
                if (image == null) {
                    throw new IllegalArgumentException("support painting " + entry.image() + " is not a readable image");
                }
                int[] size = new int[2];
                byte[] truth = GroundTruth.decode(Files.readAllBytes(entry.mask().get()), size);
                if (size[0] != image.getWidth() || size[1] != image.getHeight()) {
                    throw new IllegalArgumentException("support painting " + entry.id() + ": the mask is " + size[0] + "x" + size[1]
                            + " but the image " + image.getWidth() + "x" + image.getHeight());
                }
                System.arraycopy(ModelInput.pixels(image, w, h), 0, images, i * 3 * w * h, 3 * w * h);
                byte[] labels = ModelInput.labels(truth, size[0], size[1], w, h, k);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int label = labels[y * w + x] & 0xff;
                        if (label < k) {
                            masks[((i * k + label) * gh + y / 8) * gw + x / 8] += 1f / 64;
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read support painting " + entry.image() + ": " + e.getMessage(), e);
            }
        }
        return new SupportSet(entries.size(), images, masks, entries.stream().map(DatasetFolder.Entry::id).toList());
    }
}

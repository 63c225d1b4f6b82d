package io.segline.model.diffusion;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;

/**
 * The owner of a model's image pathway ({@link ImagePathwayNet}): creates, loads and saves it beside the
 * segmenter's weights ({@value #DESCRIPTION}, {@value #WEIGHTS}), and regenerates a noised painting in one
 * step under a mask injected into its attention, as G4Seg does. Not thread-safe; one per model owner.
 */
public final class ImagePathway implements AutoCloseable {
    public static final String WEIGHTS = "image-pathway.params";
    public static final String DESCRIPTION = "image-pathway.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The pathway's shape.
     *
     * @param width     channels of its first level (the others are 2× and 3×)
     * @param classes   class tokens (the segmenter's classes)
     * @param imageWidth  width of the images it denoises (the segmenter's mask width)
     * @param imageHeight height of the images it denoises
     * @param timesteps   T of the noise schedule
     */
    public record Spec(int width, int classes, int imageWidth, int imageHeight, int timesteps) {
        public Spec {
            if (width < 8 || width % 8 != 0 || classes < 2 || imageWidth % 4 != 0 || imageHeight % 4 != 0 || timesteps < 2) {
                throw new IllegalArgumentException("image pathway needs a width that is a multiple of 8, two or more classes, a size "
                        + "divisible by 4 and at least two timesteps, not " + this);
            }
        }

        /** The pathway for a segmenter of this shape: its classes, at its mask resolution. */
        public static Spec of(DiffusionConfig config, int width) {
            return new Spec(width, config.classes(), config.maskWidth(), config.maskHeight(), config.timesteps());
        }

        /** Positions of the attention grid (a quarter of the image's resolution each way). */
        public int tokens() {
            return (imageWidth / 4) * (imageHeight / 4);
        }
    }

    private final Spec spec;
    private final Model model;
    private final ImagePathwayNet net;
    private final ParameterStore inference;
    private final NoiseSchedule schedule;

    private ImagePathway(Spec spec, Model model, ImagePathwayNet net) {
        this.spec = spec;
        this.model = model;
        this.net = net;
        this.inference = new ParameterStore(model.getNDManager(), false);
        this.schedule = new NoiseSchedule(spec.timesteps());
    }

    /** A new pathway with fresh weights from the engine's generator seeded with {@code seed}. */
    public static ImagePathway create(Spec spec, Device device, long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        return build(spec, device);
    }

    private static ImagePathway build(Spec spec, Device device) {
        Model model = Model.newInstance("image-pathway", device, "PyTorch");
        ImagePathwayNet net = new ImagePathwayNet(spec.width(), spec.classes());
        net.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, spec.imageHeight(), spec.imageWidth()), new Shape(1));
        return new ImagePathway(spec, model, net);
    }

    /** Whether a model folder holds an image pathway. */
    public static boolean isIn(Path dir) {
        return Files.isRegularFile(dir.resolve(DESCRIPTION)) && Files.isRegularFile(dir.resolve(WEIGHTS));
    }

    /** Whether the packaged model {@code name} has an image pathway. */
    public static boolean isPackagedWith(String name) {
        return ImagePathway.class.getResource("/models/" + name + "/" + DESCRIPTION) != null;
    }

    /** Loads the pathway of a model folder. */
    public static ImagePathway load(Path dir, Device device) {
        try (InputStream description = Files.newInputStream(dir.resolve(DESCRIPTION));
                InputStream weights = Files.newInputStream(dir.resolve(WEIGHTS))) {
            return load(description, weights, device, dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the image pathway in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Loads the pathway packaged with the model {@code name}. */
    public static ImagePathway loadResource(String name, Device device) {
        String base = "/models/" + name + "/";
        try (InputStream description = ImagePathway.class.getResourceAsStream(base + DESCRIPTION);
                InputStream weights = ImagePathway.class.getResourceAsStream(base + WEIGHTS)) {
            if (description == null || weights == null) {
                throw new IllegalArgumentException("The packaged model " + name + " has no image pathway");
            }
            return load(description, weights, device, "classpath:" + base);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the image pathway of " + name + ": " + e.getMessage(), e);
        }
    }

    private static ImagePathway load(InputStream description, InputStream weights, Device device, String where) throws IOException {
        Spec spec = JSON.readValue(description, Spec.class);
        ImagePathway fresh = build(spec, device);
        try {
            fresh.net.loadParameters(fresh.model.getNDManager(), new DataInputStream(new BufferedInputStream(weights)));
        } catch (IOException | MalformedModelException e) {
            fresh.close();
            throw new IllegalArgumentException("The image pathway in " + where + " does not fit its " + DESCRIPTION + ": " + e.getMessage(), e);
        }
        return fresh;
    }

    /** Writes {@value #DESCRIPTION} and {@value #WEIGHTS} into {@code dir} (the weights replaced atomically). */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(WEIGHTS + ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                net.saveParameters(out);
            }
            Files.move(tmp, dir.resolve(WEIGHTS), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(DESCRIPTION).toFile(), spec);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the image pathway to " + dir + ": " + e.getMessage(), e);
        }
    }

    public Spec spec() {
        return spec;
    }

    Model model() {
        return model;
    }

    ImagePathwayNet net() {
        return net;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    /**
     * G4Seg's injection biases for label maps at the attention grid ({@code labels[b][i]}, one class per
     * position, {@code ignore} for none): cross {@code (B, N, K)} = α/√d where position i has class c, self
     * {@code (B, N, N)} = α/√d where positions i and j share a class; both zero elsewhere. As in G4Seg's Eq. 5,
     * softmax((QKᵀ + α·A)/√d), the bias is α·A scaled by 1/√d.
     */
    public static float[][] injection(byte[][] labels, int classes, int tokens, float alpha) {
        int batch = labels.length;
        float value = (float) (alpha / Math.sqrt(ImagePathwayNet.ATTENTION_DIM));
        float[] cross = new float[batch * tokens * classes];
        float[] self = new float[batch * tokens * tokens];
        for (int b = 0; b < batch; b++) {
            byte[] l = labels[b];
            for (int i = 0; i < tokens; i++) {
                int c = l[i] & 0xff;
                if (c >= classes) {
                    continue;
                }
                cross[(b * tokens + i) * classes + c] = value;
                int row = (b * tokens + i) * tokens;
                for (int j = 0; j < tokens; j++) {
                    if (l[j] == l[i]) {
                        self[row + j] = value;
                    }
                }
            }
        }
        return new float[][] {cross, self};
    }

    /**
     * G4Seg's one-step regeneration: the images {@code x0 (B,3,H,W)} in [−1, 1] are noised to timestep
     * {@code timestep} with noise from {@code noiseSeed} and denoised once with the labels (at the attention
     * grid, see {@link #injection}) injected at strength {@code alpha}. Returns x̃0 in [−1, 1], attached to
     * {@code scope}.
     */
    public NDArray regenerate(NDManager scope, NDArray x0, int timestep, byte[][] labels, float alpha, long noiseSeed) {
        long batch = x0.getShape().get(0);
        int n = spec.tokens();
        int k = spec.classes();
        double a = schedule.alphaBar(timestep);
        float[] eps = new float[(int) x0.size()];
        Random random = new Random(noiseSeed);
        for (int i = 0; i < eps.length; i++) {
            eps[i] = (float) random.nextGaussian();
        }
        float[][] bias = injection(labels, k, n, alpha);
        NDArray xt = x0.mul((float) Math.sqrt(a)).add(scope.create(eps, x0.getShape()).mul((float) Math.sqrt(1 - a)));
        NDArray t = scope.full(new Shape(batch), (float) timestep / spec.timesteps());
        AttentionHooks hooks = new AttentionHooks(scope.create(bias[0], new Shape(batch, n, k)), scope.create(bias[1], new Shape(batch, n, n)),
                false);
        NDArray out = net.denoise(inference, xt, t, hooks, false).clip(-1f, 1f);
        out.attach(scope);
        return out;
    }

    /** Number of trainable values. */
    public long parameterCount() {
        return net.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    @Override
    public void close() {
        model.close();
    }
}

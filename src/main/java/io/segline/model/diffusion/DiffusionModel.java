package io.segline.model.diffusion;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The owner of one {@link SpiritNet} and its weights: creates or loads them on a device, saves them
 * ({@code model.json} + {@code weights.params}) and serves as a {@link Denoiser}. Not thread-safe.
 */
public final class DiffusionModel implements Denoiser {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DiffusionModel.class);
    public static final String WEIGHTS = "weights.params";
    public static final String DESCRIPTION = "model.json";

    private final DiffusionConfig config;
    private final Model model;
    private final SpiritNet net;
    private final ParameterStore inference;
    /** The image pathway G4Seg regenerates paintings with, or null when the model has none. */
    private ImagePathway imagePathway;
    /** Support tokens {@code (1, K·N, C)} of the collection's annotated paintings, or null. */
    private NDArray support;
    private int supportCount;

    private DiffusionModel(DiffusionConfig config, Model model, SpiritNet net) {
        this.config = config;
        this.model = model;
        this.net = net;
        this.inference = new ParameterStore(model.getNDManager(), false);
    }

    /**
     * Sets the engine's intra-op threads per forward pass, for the whole process and for every thread that
     * has not run a forward pass yet (stream threads created afterwards take it up). 0 leaves the engine's
     * default (one thread per core). The line chooses the figure ({@code io.segline.streams.Parallelism}).
     */
    public static void useThreads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("Intra-op threads must be 0 (the engine's default) or more, not " + threads);
        }
        if (threads > 0) {
            Engine.getEngine("PyTorch");
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
            LOG.info("PyTorch intra-op threads per forward pass: {}", threads);
        }
    }

    /** The engine is described once per process, with the first model loaded. */
    private static final java.util.concurrent.atomic.AtomicBoolean ENGINE_LOGGED = new java.util.concurrent.atomic.AtomicBoolean();

    /** The device a {@code --device} choice names: {@code auto} takes a GPU when the engine sees one. */
    public static Device device(String choice) {
        return switch (choice == null ? "auto" : choice) {
            case "auto" -> Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (Engine.getEngine("PyTorch").getGpuCount() == 0) {
                    throw new IllegalArgumentException(EngineInfo.probe().whyNoGpu());
                }
                yield Device.gpu();
            }
            default -> throw new IllegalArgumentException("Unknown device '" + choice + "'; use auto, cpu or gpu");
        };
    }

    /** A new model with freshly initialized weights (Xavier, from the engine's seeded generator). */
    public static DiffusionModel create(DiffusionConfig config, Device device, long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        return build(config, device);
    }

    /** The network with initialized (not yet meaningful) weights; leaves the engine's random generator alone. */
    private static DiffusionModel build(DiffusionConfig config, Device device) {
        Model model = Model.newInstance(config.name(), device, "PyTorch");
        SpiritNet net = new SpiritNet(config);
        net.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, inputShapes(config, 1));
        return new DiffusionModel(config, model, net);
    }

    /** Loads a model from a folder with {@code model.json} and {@code weights.params}. */
    public static DiffusionModel load(Path dir, Device device) {
        Path description = dir.resolve(DESCRIPTION);
        if (!Files.isRegularFile(description)) {
            throw new IllegalArgumentException(dir + " is not a segline model folder: it has no " + DESCRIPTION);
        }
        try (InputStream in = Files.newInputStream(description); InputStream weights = Files.newInputStream(dir.resolve(WEIGHTS))) {
            DiffusionModel model = load(DiffusionConfig.read(in, description.toString()), weights, device, dir.toString());
            if (ImagePathway.isIn(dir)) {
                model.useImagePathway(ImagePathway.load(dir, device));
            }
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the model in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Loads a model packaged on the class path under {@code models/<name>/}. */
    public static DiffusionModel loadResource(String name, Device device) {
        String base = "/models/" + name + "/";
        try (InputStream in = DiffusionModel.class.getResourceAsStream(base + DESCRIPTION);
                InputStream weights = DiffusionModel.class.getResourceAsStream(base + WEIGHTS)) {
            if (in == null || weights == null) {
                throw new IllegalArgumentException("No model '" + name + "' is packaged with segline");
            }
            DiffusionModel model = load(DiffusionConfig.read(in, base + DESCRIPTION), weights, device, "classpath:" + base);
            if (ImagePathway.isPackagedWith(name)) {
                model.useImagePathway(ImagePathway.loadResource(name, device));
            }
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the packaged model " + name + ": " + e.getMessage(), e);
        }
    }

    private static DiffusionModel load(DiffusionConfig config, InputStream weights, Device device, String where) {
        // Not create(): reseeding the engine's global generator on every load would reset it for other users.
        DiffusionModel fresh = build(config, device);
        if (ENGINE_LOGGED.compareAndSet(false, true)) {
            LOG.info("{}", EngineInfo.probe().describe());
        }
        LOG.info("Loading model {} v{} from {} on {}", config.name(), config.version(), where, device);
        try {
            fresh.net.loadParameters(fresh.model.getNDManager(), new DataInputStream(new BufferedInputStream(weights)));
        } catch (IOException | MalformedModelException e) {
            fresh.close();
            throw new IllegalArgumentException("The weights in " + where + " do not fit its model.json: " + e.getMessage(), e);
        }
        return fresh;
    }

    static Shape[] inputShapes(DiffusionConfig config, int batch) {
        return new Shape[] {
            new Shape(batch, 3, config.inputHeight(), config.inputWidth()),
            new Shape(batch, config.classes(), config.maskHeight(), config.maskWidth()),
            new Shape(batch),
            new Shape(batch, config.maxTokens())
        };
    }

    public void save(Path dir) {
        save(dir, config);
    }

    /**
     * Saves the weights with {@code description} as their model.json: the same network under another name
     * or version (a model fine-tuned from a packaged one is a new model). Refuses another network shape.
     */
    public void save(Path dir, DiffusionConfig description) {
        if (!description.renamed(config.name(), config.version()).equals(config)) {
            throw new IllegalArgumentException("model " + config.name() + " cannot be saved as " + description
                    + ": only the name and version may differ");
        }
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(WEIGHTS + ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                net.saveParameters(out);
            }
            Files.move(tmp, dir.resolve(WEIGHTS), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            description.write(dir.resolve(DESCRIPTION));
            if (imagePathway != null) {
                imagePathway.save(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the model to " + dir + ": " + e.getMessage(), e);
        }
    }

    public Model model() {
        return model;
    }

    public SpiritNet net() {
        return net;
    }

    /**
     * Copies into this model every weight of {@code from} whose name (without the position prefixes the
     * engine gives child blocks) and shape match one of this model's, except those whose name contains one
     * of {@code fresh}; returns the names of this model's weights that were not copied. Used to grow a
     * trained model into a larger network (support attention, another tokenizer) and to restart dead parts.
     */
    public java.util.List<String> transplant(DiffusionModel from, java.util.List<String> fresh) {
        java.util.Map<String, NDArray> source = new java.util.HashMap<>();
        for (var p : from.net.getParameters()) {
            source.put(plainName(p.getKey()), p.getValue().getArray());
        }
        java.util.List<String> notCopied = new java.util.ArrayList<>();
        for (var p : net.getParameters()) {
            String name = plainName(p.getKey());
            NDArray src = source.get(name);
            boolean restart = fresh.stream().anyMatch(name::contains);
            if (restart || src == null || !src.getShape().equals(p.getValue().getArray().getShape())) {
                notCopied.add(name);
                continue;
            }
            p.getValue().getArray().set(src.toFloatArray());
        }
        return notCopied;
    }

    /** A parameter's name without the engine's child-position prefixes: {@code 30cross_02key_weight} is {@code cross_key_weight}. */
    static String plainName(String key) {
        return java.util.Arrays.stream(key.split("_")).map(part -> part.replaceFirst("^\\d+", "")).collect(java.util.stream.Collectors.joining("_"));
    }

    /** Gives the model an image pathway (it owns it from now on and closes it with itself); refused when the shapes differ. */
    public void useImagePathway(ImagePathway pathway) {
        ImagePathway.Spec expected = ImagePathway.Spec.of(config, pathway.spec().width());
        if (!pathway.spec().equals(expected)) {
            pathway.close();
            throw new IllegalArgumentException("The image pathway " + pathway.spec() + " does not fit model " + config.name() + " (expected "
                    + expected + ")");
        }
        if (imagePathway != null) {
            imagePathway.close();
        }
        imagePathway = pathway;
    }

    /** The image pathway, when the model has one (G4Seg refinement needs it). */
    public java.util.Optional<ImagePathway> imagePathway() {
        return java.util.Optional.ofNullable(imagePathway);
    }

    /**
     * The encoder's features of images {@code (B,3,H,W)} in [0,1] at the input size: the input-resolution stem
     * and 1/2, 1/4, 1/8 of it, attached to {@code scope}. G4Seg matches pixels by these.
     */
    public NDList features(NDManager scope, NDArray images) {
        NDList features = net.encode(inference, images, false);
        features.attach(scope);
        return features;
    }

    /** Number of trainable values. */
    public long parameterCount() {
        return net.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    @Override
    public DiffusionConfig config() {
        return config;
    }

    @Override
    public NDManager manager() {
        return model.getNDManager();
    }

    /**
     * Conditions every later forward pass on these annotated paintings (support–query attention): their
     * tokens are computed once here and appended to the self-attention's keys and values.
     */
    public void useSupport(SupportSet set) {
        if (!config.support()) {
            throw new IllegalArgumentException("model " + config.name() + " v" + config.version()
                    + " has no support-query attention; segline.support needs a model trained with it (spirit-g)");
        }
        NDManager m = model.getNDManager();
        try (NDManager scope = m.newSubManager()) {
            NDArray images = scope.create(set.images(), new Shape(set.count(), 3, config.inputHeight(), config.inputWidth()));
            NDArray masks = scope.create(set.masks(), new Shape(set.count(), config.classes(), config.inputHeight() / 8,
                    config.inputWidth() / 8));
            NDArray tokens = net.supportTokens(inference, images, masks, false);
            NDArray flat = tokens.reshape(1, -1, tokens.getShape().get(2));
            flat.attach(m);
            if (support != null) {
                support.close();
            }
            support = flat;
            supportCount = set.count();
        }
        LOG.info("Model {} conditions on {} support paintings ({} keys)", config.name(), set.count(), support.getShape().get(1));
    }

    /** How many support paintings the model conditions on (0 for none). */
    public int supportCount() {
        return supportCount;
    }

    private record Prepared(NDList image, SpiritNet.Text text) implements Context {
    }

    @Override
    public Context prepare(NDManager batch, NDArray images, NDArray tokens) {
        NDList image = net.encode(inference, images, false);
        SpiritNet.Text text = net.text(inference, tokens, false);
        image.attach(batch);
        text.tokens().attach(batch);
        text.keyMask().attach(batch);
        text.pooled().attach(batch);
        return new Prepared(image, text);
    }

    @Override
    public Context repeat(Context context, int times) {
        if (times == 1) {
            return context;
        }
        Prepared p = (Prepared) context;
        NDList image = new NDList();
        for (NDArray a : p.image()) {
            image.add(a.repeat(0, times));
        }
        SpiritNet.Text t = p.text();
        return new Prepared(image, new SpiritNet.Text(t.tokens().repeat(0, times), t.keyMask().repeat(0, times), t.pooled().repeat(0, times)));
    }

    @Override
    public NDArray denoise(Context context, NDArray xt, NDArray t, AttentionHooks hooks) {
        Prepared p = (Prepared) context;
        NDArray rows = support == null ? null : support.broadcast(new Shape(xt.getShape().get(0), support.getShape().get(1),
                support.getShape().get(2)));
        return net.denoise(inference, p.image(), p.text(), xt, t, rows, hooks, false);
    }

    @Override
    public void close() {
        if (imagePathway != null) {
            imagePathway.close();
        }
        model.close();
    }
}

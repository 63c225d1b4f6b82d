package io.segline.model.diffusion;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An exported TorchScript denoiser ({@code --model torchscript:DIR}). The folder holds
 * {@code denoiser.pt} and a {@code model.json} ({@link DiffusionConfig}: input size, classes, caption
 * tokens, vocabulary, sampling). The module's contract:
 *
 * <pre>
 * forward(image:  float32 (B, 3, H, W)   RGB in [0, 1] at model.json's inputHeight × inputWidth,
 *         x_t:    float32 (B, K, H/2, W/2) noisy class mask, K = classes,
 *         t:      float32 (B)            timestep as t/T in [0, 1),
 *         tokens: int64   (B, L)         caption token ids (CaptionTokens; 0 = padding, 1 = start), L = maxTokens)
 *   -> float32 (B, K, H, W): logits of the clean mask x̂0 (or a tuple whose first element is that)
 * </pre>
 *
 * A Stable Diffusion U-Net exported with a wrapper that maps these inputs to its own (latents, text
 * embeddings, attention outputs) fits the same contract. The module is called per DDIM step with the
 * whole batch; it must not mix rows.
 */
public final class TorchScriptDenoiser implements Denoiser {
    public static final String FILE = "denoiser.pt";

    private final DiffusionConfig config;
    private final Model model;
    private final ParameterStore store;

    private TorchScriptDenoiser(DiffusionConfig config, Model model) {
        this.config = config;
        this.model = model;
        this.store = new ParameterStore(model.getNDManager(), false);
    }

    static void checkFolder(Path dir) {
        if (!Files.isRegularFile(dir.resolve(FILE)) || !Files.isRegularFile(dir.resolve(DiffusionModel.DESCRIPTION))) {
            throw new IllegalArgumentException("torchscript:" + dir + " needs " + FILE + " and " + DiffusionModel.DESCRIPTION
                    + " in that folder (see TorchScriptDenoiser for the contract)");
        }
    }

    public static TorchScriptDenoiser load(Path dir, Device device) {
        checkFolder(dir);
        DiffusionConfig config;
        try (InputStream in = Files.newInputStream(dir.resolve(DiffusionModel.DESCRIPTION))) {
            config = DiffusionConfig.read(in, dir.resolve(DiffusionModel.DESCRIPTION).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Model model = Model.newInstance(config.name(), device, "PyTorch");
        try {
            model.load(dir, "denoiser");
        } catch (IOException | MalformedModelException e) {
            model.close();
            throw new IllegalArgumentException("Cannot load " + dir.resolve(FILE) + " as TorchScript: " + e.getMessage(), e);
        }
        return new TorchScriptDenoiser(config, model);
    }

    @Override
    public DiffusionConfig config() {
        return config;
    }

    @Override
    public NDManager manager() {
        return model.getNDManager();
    }

    private record Inputs(NDArray images, NDArray tokens) implements Context {
    }

    @Override
    public Context prepare(NDManager batch, NDArray images, NDArray tokens) {
        NDArray ids = tokens.toType(DataType.INT64, false);
        ids.attach(batch);
        return new Inputs(images, ids);
    }

    @Override
    public Context repeat(Context context, int times) {
        Inputs in = (Inputs) context;
        return times == 1 ? in : new Inputs(in.images().repeat(0, times), in.tokens().repeat(0, times));
    }

    @Override
    public NDArray denoise(Context context, NDArray xt, NDArray t, AttentionHooks hooks) {
        if (hooks != null && (hooks.bias(Attention.Kind.CROSS) != null || hooks.bias(Attention.Kind.SELF) != null)) {
            throw new UnsupportedOperationException("attention biases are not part of the TorchScript contract");
        }
        Inputs in = (Inputs) context;
        NDList out = model.getBlock().forward(store, new NDList(in.images(), xt, t, in.tokens()), false);
        NDArray logits = out.get(0);
        logits.attach(xt.getManager());
        return logits;
    }

    @Override
    public void close() {
        model.close();
    }
}

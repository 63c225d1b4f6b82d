package io.segline.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A mask denoiser the DDIM {@link Sampler} can drive: segline's own {@link SpiritNet} or an exported
 * TorchScript module. Not thread-safe; one instance per stream thread.
 */
public interface Denoiser extends AutoCloseable {

    /** What the denoiser needs across the steps of one batch (e.g. encoded images and captions). */
    interface Context {
    }

    DiffusionConfig config();

    /** The manager that owns the weights; per-batch and per-step managers are made under it. */
    NDManager manager();

    /**
     * Prepares a batch: images {@code (B,3,H,W)} in [0,1] at the config's input size and caption
     * tokens {@code (B,L)}; arrays it keeps are attached to {@code batch}.
     */
    Context prepare(NDManager batch, NDArray images, NDArray tokens);

    /** The batch rows repeated {@code times} each (row i becomes rows i·times … i·times+times−1). */
    Context repeat(Context context, int times);

    /** x̂0 logits {@code (B,K,H,W)} at the input resolution for noisy masks {@code (B,K,H/2,W/2)} at t/T. */
    NDArray denoise(Context context, NDArray xt, NDArray t, AttentionHooks hooks);

    @Override
    void close();
}

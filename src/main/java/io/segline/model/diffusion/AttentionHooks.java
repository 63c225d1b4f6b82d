package io.segline.model.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * What a caller may do to the denoiser's attention for one forward pass: add a bias to the logits of
 * the cross-attention (image queries over caption tokens) and of the self-attention (image queries over
 * image keys) — G4Seg's mask injection α·A — and read the attention maps back. Biases broadcast
 * against {@code (B, queries, keys)}; the maps read back have that shape. One instance belongs to one
 * forward pass on one thread.
 */
public final class AttentionHooks {
    private final NDArray crossBias;
    private final NDArray selfBias;
    private final boolean record;
    private NDArray crossMap;
    private NDArray selfMap;

    public AttentionHooks(NDArray crossBias, NDArray selfBias, boolean record) {
        this.crossBias = crossBias;
        this.selfBias = selfBias;
        this.record = record;
    }

    /** No bias, no recording. */
    public static AttentionHooks none() {
        return new AttentionHooks(null, null, false);
    }

    /** Records the attention maps of the next forward pass, without bias. */
    public static AttentionHooks recording() {
        return new AttentionHooks(null, null, true);
    }

    NDArray bias(Attention.Kind kind) {
        return kind == Attention.Kind.CROSS ? crossBias : selfBias;
    }

    void seen(Attention.Kind kind, NDArray map) {
        if (!record) {
            return;
        }
        if (kind == Attention.Kind.CROSS) {
            crossMap = map;
        } else {
            selfMap = map;
        }
    }

    /** Cross-attention map {@code (B, H·W, tokens)} of the last pass, or null when not recording. */
    public NDArray crossMap() {
        return crossMap;
    }

    /** Self-attention map {@code (B, H·W, H·W)} of the last pass, or null when not recording. */
    public NDArray selfMap() {
        return selfMap;
    }
}

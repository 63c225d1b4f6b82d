package io.segline.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The denoiser of segline's diffusion segmenter, after SPIRIT (§3.2–3.3), sized for CPUs.
 *
 * <p>A convolutional image encoder produces features at the input resolution and at 1/2, 1/4 and 1/8
 * of it, computed once per image and reused by every denoising step. The mask branch takes the noisy
 * mask x_t (one channel per class, at 1/2 resolution), adds the image features level by level (the image
 * conditions the mask) and reaches a 1/8 bottleneck where (1) the timestep embedding is added, (2) the
 * bottleneck positions attend over the caption tokens (cross-attention, SGAF's text stage), (3) a
 * SyAM-style block mixes the features with their horizontal mirror, gated per channel by the pooled
 * caption embedding (SPIRIT's α = σ(MLP(LN(T)))), and (4) a self-attention over all bottleneck
 * positions links the two halves of the painting. A decoder with skips from the mask branch, and at the
 * last level from the encoder's full-resolution features, predicts clean-mask logits x̂0 at the input
 * resolution, so boundaries are drawn at twice the resolution the diffusion runs at. Both attentions
 * take logit biases and expose their maps through {@link AttentionHooks}, where a G4Seg-style refiner
 * injects a coarse mask (α·A) and reads the maps.
 *
 * <p>Support–query attention (SPIRIT's SGAF stage 1, when {@link DiffusionConfig#support()}): annotated
 * paintings of the same collection are encoded once ({@link #supportTokens}: their bottleneck image
 * features plus an embedding of their masks) and their tokens are appended to the keys and values of
 * the bottleneck self-attention, X = softmax(Q_q [K_q‖K_s]ᵀ/√d) [V_q‖V_s], so a query position can take
 * the label of a support position that looks like it. Without support tokens the network is the plain
 * segmenter.
 *
 * <p>Inputs of {@link #forward}: image {@code (B,3,H,W)} in [0,1], noisy mask {@code (B,K,H/2,W/2)},
 * timestep {@code (B)} as t/T, caption tokens {@code (B,L)} (int), and optionally one support painting
 * per row: image {@code (B,3,H,W)} and mask fractions {@code (B,K,H/8,W/8)}. Output: x̂0 logits
 * {@code (B,K,H,W)}.
 */
public final class SpiritNet extends UnitNet {
    private static final int ATTENTION_DIM = 64;

    private final DiffusionConfig config;
    private final int c0;
    private final int c1;
    private final int c2;
    private final int c3;
    private final Attention cross;
    private final Attention self;
    private boolean symmetryOn;

    /** The caption as the network sees it: token embeddings, key mask and pooled embedding. */
    public record Text(NDArray tokens, NDArray keyMask, NDArray pooled) {
    }

    public SpiritNet(DiffusionConfig config) {
        this.config = config;
        this.symmetryOn = config.symmetry();
        c0 = config.width();
        c1 = 2 * c0;
        c2 = 3 * c0;
        c3 = 4 * c0;
        conv("stem", 3, c0, 3, 1);
        conv("enc1a", c0, c1, 3, 2);
        conv("enc1b", c1, c1, 3, 1);
        conv("enc2a", c1, c2, 3, 2);
        conv("enc2b", c2, c2, 3, 1);
        conv("enc3a", c2, c3, 3, 2);
        conv("enc3b", c3, c3, 3, 1);
        linear("text1", config.vocabulary(), config.textDim(), 3);
        linear("text2", config.textDim(), config.textDim(), 3);
        linear("time1", TIME_FEATURES, c3, 2);
        linear("time2", c3, c3, 2);
        conv("mask1a", config.classes(), c1, 3, 1);
        conv("mask1b", c1, c1, 3, 1);
        conv("mask2a", c1, c2, 3, 2);
        conv("mask2b", c2, c2, 3, 1);
        conv("mask3a", c2, c3, 3, 2);
        norm("crossNorm", c3);
        cross = addChildBlock("cross", new Attention(Attention.Kind.CROSS, c3, config.textDim(), ATTENTION_DIM));
        if (config.symmetry()) {
            conv("symmetry", 2 * c3, c3, 3, 1);
            linear("symmetryGate", config.textDim(), c3, 2);
        }
        if (config.support()) {
            conv("support", c3, c3, 3, 1);
            child("supportMask", Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(c3).build(),
                    new Shape(1, config.classes(), 8, 8));
        }
        norm("selfNorm", c3);
        self = addChildBlock("self", new Attention(Attention.Kind.SELF, c3, c3, ATTENTION_DIM));
        conv("mid", c3, c3, 3, 1);
        conv("up2a", c3 + c2, c2, 3, 1);
        conv("up2b", c2, c2, 3, 1);
        conv("up1a", c2 + c1, c1, 3, 1);
        conv("up1b", c1, c1, 3, 1);
        conv("up0", c1 + c0, c0, 3, 1);
        child("head", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(config.classes()).build(), new Shape(1, c0, 8, 8));
    }

    public DiffusionConfig config() {
        return config;
    }

    /** Bypasses the trained symmetry block (an ablation of a trained model; its weights stay loaded). */
    public void switchOffSymmetry() {
        symmetryOn = false;
    }

    /** Image features at 1/2, 1/4, 1/8 and 1/16 of the input, plus the input-resolution stem. */
    public NDList encode(ParameterStore ps, NDArray image, boolean training) {
        NDArray x = image.sub(0.5f).mul(2f);
        NDArray s0 = unit(ps, "stem", x, null, training);
        NDArray f1 = unit(ps, "enc1b", unit(ps, "enc1a", s0, null, training), null, training);
        NDArray f2 = unit(ps, "enc2b", unit(ps, "enc2a", f1, null, training), null, training);
        NDArray f3 = unit(ps, "enc3b", unit(ps, "enc3a", f2, null, training), null, training);
        return new NDList(s0, f1, f2, f3);
    }

    /** The caption tokens {@code (B, L)} embedded; padding is masked out of attention and pooling. */
    public Text text(ParameterStore ps, NDArray tokens, boolean training) {
        long batch = tokens.getShape().get(0);
        NDArray ids = tokens.toType(DataType.INT64, false);
        NDArray oneHot = ids.oneHot(config.vocabulary()).toType(DataType.FLOAT32, false);
        NDArray e = Activation.gelu(apply(ps, "text1", oneHot, training));
        e = apply(ps, "text2", e, training);
        NDArray valid = ids.neq(CaptionTokens.PAD).toType(DataType.FLOAT32, false);
        NDArray keyMask = valid.sub(1f).mul(1e4f).reshape(batch, 1, -1);
        NDArray pooled = e.mul(valid.expandDims(2)).sum(new int[] {1}).div(valid.sum(new int[] {1}, true).maximum(1f));
        return new Text(e, keyMask, pooled);
    }

    /**
     * Support tokens {@code (S, N, C)} for support paintings {@code (S,3,H,W)} with their masks as class
     * fractions at the bottleneck grid {@code (S,K,H/8,W/8)}: N bottleneck positions per painting. The
     * support's encoder features are taken without gradient: the encoder learns from the queries, and the
     * backward pass costs no more with support paintings than without.
     */
    public NDArray supportTokens(ParameterStore ps, NDArray images, NDArray masks, boolean training) {
        if (!config.support()) {
            throw new IllegalStateException("model " + config.name() + " has no support-query attention");
        }
        NDList features = encode(ps, images, training);
        NDArray embedded = unit(ps, "support", features.get(3).stopGradient(), apply(ps, "supportMask", masks, training), training);
        return toTokens(apply(ps, "selfNorm", embedded, training));
    }

    /**
     * One denoiser evaluation: x̂0 logits at the input resolution for noisy masks {@code xt} at timesteps
     * {@code t} (as t/T), given the encoded image and caption of each batch row.
     */
    public NDArray denoise(ParameterStore ps, NDList image, Text text, NDArray xt, NDArray t, AttentionHooks hooks, boolean training) {
        return denoise(ps, image, text, xt, t, null, hooks, training);
    }

    /**
     * As {@link #denoise(ParameterStore, NDList, Text, NDArray, NDArray, AttentionHooks, boolean)}, with
     * support tokens {@code (B, M, C)} appended to the self-attention's keys and values (null for none).
     */
    public NDArray denoise(ParameterStore ps, NDList image, Text text, NDArray xt, NDArray t, NDArray support, AttentionHooks hooks,
            boolean training) {
        NDArray s0 = image.get(0);
        NDArray d1 = unit(ps, "mask1b", unit(ps, "mask1a", xt, image.get(1), training), null, training);
        NDArray d2 = unit(ps, "mask2b", unit(ps, "mask2a", d1, image.get(2), training), null, training);
        NDArray time = apply(ps, "time2", Activation.swish(apply(ps, "time1", timeFeatures(t), training), 1f), training);
        NDArray h = unit(ps, "mask3a", d2, image.get(3).add(time.expandDims(2).expandDims(3)), training);
        Shape shape = h.getShape();

        NDArray q = toTokens(apply(ps, "crossNorm", h, training));
        h = h.add(toMap(cross.attend(ps, q, text.tokens(), text.keyMask(), hooks, training), shape));
        if (symmetryOn) {
            NDArray mirrored = apply(ps, "symmetry", NDArrays.concat(new NDList(h, h.flip(3)), 1), training);
            NDArray gate = Activation.sigmoid(apply(ps, "symmetryGate", text.pooled(), training)).expandDims(2).expandDims(3);
            h = h.add(gate.mul(apply(ps, "symmetryNorm", mirrored, training)));
        }
        NDArray s = toTokens(apply(ps, "selfNorm", h, training));
        NDArray keys = support == null ? s : NDArrays.concat(new NDList(s, support), 1);
        h = h.add(toMap(self.attend(ps, s, keys, null, hooks, training), shape));
        h = h.add(unit(ps, "mid", h, null, training));

        h = unit(ps, "up2a", NDArrays.concat(new NDList(up(h), d2), 1), null, training);
        h = unit(ps, "up2b", h, null, training);
        h = unit(ps, "up1a", NDArrays.concat(new NDList(up(h), d1), 1), null, training);
        h = unit(ps, "up1b", h, null, training);
        h = unit(ps, "up0", NDArrays.concat(new NDList(up(h), s0), 1), null, training);
        return apply(ps, "head", h, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList image = encode(ps, inputs.get(0), training);
        Text text = text(ps, inputs.get(3), training);
        NDArray support = inputs.size() > 5 ? supportTokens(ps, inputs.get(4), inputs.get(5), training) : null;
        return new NDList(denoise(ps, image, text, inputs.get(1), inputs.get(2), support, null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape image = inputShapes[0];
        return new Shape[] {new Shape(image.get(0), config.classes(), image.get(2), image.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initializeChildBlocks(manager, dataType, inputShapes);
        cross.initialize(manager, dataType, new Shape(1, 1, c3));
        self.initialize(manager, dataType, new Shape(1, 1, c3));
    }
}

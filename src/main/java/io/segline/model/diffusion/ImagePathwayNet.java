package io.segline.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The image pathway of a segmenter: a small denoiser of the painting itself, which G4Seg needs to
 * regenerate an image from a noised one in a single step with a coarse mask injected into its attention
 * (SPIRIT's dual pathway denoises image and mask latents; here the image has its own small network,
 * trained on the segmenter's data).
 *
 * <p>It predicts the clean image x̂0 {@code (B,3,H,W)} in [−1, 1] from x_t at the mask's working resolution
 * (half the segmenter's input), given t/T. At 1/4 of that resolution the features attend over one learned
 * token per class (cross-attention) and over each other (self-attention); both attentions take the
 * G4Seg biases through {@link AttentionHooks}: α·A_cross on the tokens of each position's class and α·A_self
 * between positions of the same class. Training injects the true label map that way for most batches, so
 * the class tokens come to carry what a class looks like in this painting and the self-attention spreads
 * a region's look within the region.
 */
final class ImagePathwayNet extends UnitNet {
    static final int ATTENTION_DIM = 64;
    private static final int TOKEN_DIM = 32;

    private final int classes;
    private final Attention cross;
    private final Attention self;

    ImagePathwayNet(int width, int classes) {
        this.classes = classes;
        int c0 = width;
        int c1 = 2 * width;
        int c2 = 3 * width;
        conv("stem", 3, c0, 3, 1);
        conv("enc1a", c0, c1, 3, 2);
        conv("enc1b", c1, c1, 3, 1);
        conv("enc2a", c1, c2, 3, 2);
        conv("enc2b", c2, c2, 3, 1);
        linear("time1", TIME_FEATURES, c2, 2);
        linear("time2", c2, c2, 2);
        linear("classTokens", classes, TOKEN_DIM, 3);
        norm("crossNorm", c2);
        cross = child("cross", new Attention(Attention.Kind.CROSS, c2, TOKEN_DIM, ATTENTION_DIM), new Shape(1, 1, c2));
        norm("selfNorm", c2);
        self = child("self", new Attention(Attention.Kind.SELF, c2, c2, ATTENTION_DIM), new Shape(1, 1, c2));
        conv("mid", c2, c2, 3, 1);
        conv("up1a", c2 + c1, c1, 3, 1);
        conv("up1b", c1, c1, 3, 1);
        conv("up0", c1 + c0, c0, 3, 1);
        child("head", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(3).build(), new Shape(1, c0, 8, 8));
    }

    /** x̂0 {@code (B,3,H,W)} for noisy images {@code xt} in the [−1, 1] scale at timesteps {@code t} (as t/T). */
    NDArray denoise(ParameterStore ps, NDArray xt, NDArray t, AttentionHooks hooks, boolean training) {
        NDManager m = xt.getManager();
        long batch = xt.getShape().get(0);
        NDArray h0 = unit(ps, "stem", xt, null, training);
        NDArray h1 = unit(ps, "enc1b", unit(ps, "enc1a", h0, null, training), null, training);
        NDArray time = apply(ps, "time2", Activation.swish(apply(ps, "time1", timeFeatures(t), training), 1f), training);
        NDArray h2 = unit(ps, "enc2b", unit(ps, "enc2a", h1, null, training), time.expandDims(2).expandDims(3), training);
        Shape shape = h2.getShape();

        NDArray identity = m.eye(classes).expandDims(0);
        NDArray tokens = apply(ps, "classTokens", identity, training).broadcast(new Shape(batch, classes, TOKEN_DIM));
        NDArray q = toTokens(apply(ps, "crossNorm", h2, training));
        h2 = h2.add(toMap(cross.attend(ps, q, tokens, null, hooks, training), shape));
        NDArray s = toTokens(apply(ps, "selfNorm", h2, training));
        h2 = h2.add(toMap(self.attend(ps, s, s, null, hooks, training), shape));
        h2 = h2.add(unit(ps, "mid", h2, null, training));

        NDArray h = unit(ps, "up1a", NDArrays.concat(new NDList(up(h2), h1), 1), null, training);
        h = unit(ps, "up1b", h, null, training);
        h = unit(ps, "up0", NDArrays.concat(new NDList(up(h), h0), 1), null, training);
        return apply(ps, "head", h, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(denoise(ps, inputs.get(0), inputs.get(1), null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}

package io.segline.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Group normalization over {@code (B, C, H, W)}: statistics per sample and group of channels, so a
 * sample's output never depends on the other samples of its batch (unlike batch norm), in training
 * and in inference alike. DJL has no built-in group norm.
 */
final class GroupNorm extends AbstractBlock {
    private static final float EPSILON = 1e-5f;
    private final int groups;
    private final int channels;
    private final Parameter gamma;
    private final Parameter beta;

    GroupNorm(int groups, int channels) {
        super((byte) 1);
        if (channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
        }
        this.groups = groups;
        this.channels = channels;
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels)).optInitializer(Initializer.ONES).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
                .optShape(new Shape(channels)).optInitializer(Initializer.ZEROS).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        NDArray grouped = x.reshape(shape.get(0), groups, -1);
        NDArray mean = grouped.mean(new int[] {2}, true);
        NDArray centred = grouped.sub(mean);
        NDArray variance = centred.square().mean(new int[] {2}, true);
        NDArray normalized = centred.div(variance.add(EPSILON).sqrt()).reshape(shape);
        // A reshaped parameter would belong to the model's manager and outlive the call: scope it with the input.
        NDArray g = ps.getValue(gamma, x.getDevice(), training).reshape(1, channels, 1, 1);
        g.attach(x.getManager());
        NDArray b = ps.getValue(beta, x.getDevice(), training).reshape(1, channels, 1, 1);
        b.attach(x.getManager());
        return new NDList(normalized.mul(g).add(b));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    }
}

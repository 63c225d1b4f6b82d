package io.segline.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What segline's convolutional networks are built from: named convolutions, each followed by a group norm
 * and SiLU ({@link #unit}), linear layers, and the reshapes between feature maps and attention tokens.
 * Children are registered in the order they are declared, which fixes the layout of the saved weights.
 */
abstract class UnitNet extends AbstractBlock {
    static final int GROUPS = 8;

    private final Map<String, Block> blocks = new LinkedHashMap<>();
    private final Map<String, Shape> initShapes = new LinkedHashMap<>();

    UnitNet() {
        super((byte) 1);
    }

    /** A convolution (same padding) and its group norm {@code name + "Norm"}. */
    final void conv(String name, int in, int out, int kernel, int stride) {
        Block block = addChildBlock(name, Conv2d.builder().setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2)).optStride(new Shape(stride, stride)).setFilters(out).build());
        blocks.put(name, block);
        initShapes.put(name, new Shape(1, in, 8, 8));
        norm(name + "Norm", out);
    }

    final void norm(String name, int channels) {
        Block block = addChildBlock(name, new GroupNorm(GROUPS, channels));
        blocks.put(name, block);
        initShapes.put(name, new Shape(1, channels, 8, 8));
    }

    /** A linear layer over the last axis of a rank-2 or rank-3 input. */
    final void linear(String name, int in, int out, int rank) {
        Block block = addChildBlock(name, Linear.builder().setUnits(out).build());
        blocks.put(name, block);
        initShapes.put(name, rank == 3 ? new Shape(1, 1, in) : new Shape(1, in));
    }

    /** Any other block, initialized for an input of {@code shape}. */
    final <B extends Block> B child(String name, B block, Shape shape) {
        addChildBlock(name, block);
        blocks.put(name, block);
        initShapes.put(name, shape);
        return block;
    }

    final NDArray apply(ParameterStore ps, String name, NDArray x, boolean training) {
        return blocks.get(name).forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /** conv, then group norm of (conv + extra), then SiLU. */
    final NDArray unit(ParameterStore ps, String name, NDArray x, NDArray extra, boolean training) {
        NDArray y = apply(ps, name, x, training);
        if (extra != null) {
            y = y.add(extra);
        }
        return Activation.swish(apply(ps, name + "Norm", y, training), 1f);
    }

    /** Width of the sinusoidal timestep features. */
    static final int TIME_FEATURES = 64;

    /** Sinusoidal features {@code (B, TIME_FEATURES)} of timesteps given as t/T. */
    static NDArray timeFeatures(NDArray t) {
        NDManager m = t.getManager();
        int half = TIME_FEATURES / 2;
        NDArray freqs = m.arange(half).toType(DataType.FLOAT32, false).mul((float) (-Math.log(10000.0) / half)).exp();
        NDArray args = t.toType(DataType.FLOAT32, false).mul(1000f).expandDims(1).mul(freqs.expandDims(0));
        return NDArrays.concat(new NDList(args.sin(), args.cos()), 1);
    }

    static NDArray up(NDArray x) {
        return x.repeat(2, 2).repeat(3, 2);
    }

    static NDArray toTokens(NDArray map) {
        Shape s = map.getShape();
        return map.transpose(0, 2, 3, 1).reshape(s.get(0), s.get(2) * s.get(3), s.get(1));
    }

    static NDArray toMap(NDArray tokens, Shape like) {
        return tokens.reshape(like.get(0), like.get(2), like.get(3), like.get(1)).transpose(0, 3, 1, 2);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Map.Entry<String, Block> e : blocks.entrySet()) {
            e.getValue().initialize(manager, dataType, initShapes.get(e.getKey()));
        }
    }
}

package io.segline.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Single-head scaled dot-product attention, {@code softmax(Q Kᵀ/√d + bias + keyMask) V}, with its
 * logits open to a bias and its map open to reading ({@link AttentionHooks}). Inputs: queries
 * {@code (B, N, dq)}, keys/values {@code (B, M, dk)} and an optional additive key mask {@code (B, 1, M)}.
 */
final class Attention extends AbstractBlock {
    enum Kind { CROSS, SELF }

    private final Kind kind;
    private final int dim;
    private final Block query;
    private final Block key;
    private final Block value;
    private final Block out;
    private final int queryDim;
    private final int keyDim;

    Attention(Kind kind, int queryDim, int keyDim, int dim) {
        super((byte) 1);
        this.kind = kind;
        this.dim = dim;
        this.queryDim = queryDim;
        this.keyDim = keyDim;
        query = addChildBlock("query", Linear.builder().setUnits(dim).optBias(false).build());
        key = addChildBlock("key", Linear.builder().setUnits(dim).optBias(false).build());
        value = addChildBlock("value", Linear.builder().setUnits(dim).optBias(false).build());
        out = addChildBlock("out", Linear.builder().setUnits(queryDim).build());
    }

    NDArray attend(ParameterStore ps, NDArray queries, NDArray keys, NDArray keyMask, AttentionHooks hooks, boolean training) {
        NDArray q = query.forward(ps, new NDList(queries), training).singletonOrThrow();
        NDArray k = key.forward(ps, new NDList(keys), training).singletonOrThrow();
        NDArray v = value.forward(ps, new NDList(keys), training).singletonOrThrow();
        NDArray logits = q.matMul(k.transpose(0, 2, 1)).div((float) Math.sqrt(dim));
        if (keyMask != null) {
            logits = logits.add(keyMask);
        }
        NDArray bias = hooks == null ? null : hooks.bias(kind);
        if (bias != null) {
            logits = logits.add(bias);
        }
        NDArray map = logits.softmax(-1);
        if (hooks != null) {
            hooks.seen(kind, map);
        }
        return out.forward(ps, new NDList(map.matMul(v)), training).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray keys = inputs.size() > 1 ? inputs.get(1) : inputs.get(0);
        NDArray mask = inputs.size() > 2 ? inputs.get(2) : null;
        return new NDList(attend(ps, inputs.get(0), keys, mask, null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        query.initialize(manager, dataType, new Shape(1, 1, queryDim));
        key.initialize(manager, dataType, new Shape(1, 1, keyDim));
        value.initialize(manager, dataType, new Shape(1, 1, keyDim));
        out.initialize(manager, dataType, new Shape(1, 1, dim));
    }
}

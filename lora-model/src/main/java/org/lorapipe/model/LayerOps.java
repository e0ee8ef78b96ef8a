package org.lorapipe.model;

import ai.djl.ndarray.NDArray;

/**
 * How a decoder layer's linear projections are applied and where backward may cut its graph: the one
 * seam between the model's single forward ({@link DecoderLayer}) and the ways it is run. Inference and
 * a plainly recorded training step apply each module of {@link LinearModules} ({@link #direct}); a
 * trainer that keeps frozen base weights out of the autograd graph (QLoRA's pattern) implements the
 * projection itself and cuts the graph at the points the layer marks.
 *
 * <p>The layer marks two kinds of points. A {@linkplain #projectionInput projection input} is read by
 * the projections that follow and by nothing else. A {@linkplain #residual residual} value is the
 * residual stream between the attention and the feed-forward, read by recorded operations as well.
 */
public interface LayerOps {

    /** Where a projection's output goes. */
    enum Output {
        /** Read by further operations of the layer. */
        READ,
        /**
         * Added straight into the residual stream, nothing else reads it: its gradient is the gradient
         * of that sum, so a cutting trainer need not keep the output.
         */
        INTO_RESIDUAL
    }

    /** The module {@code name} applied to {@code in}: [..., in] -> [..., out]. */
    NDArray project(String name, NDArray in, Output output);

    /** Marks {@code x} as the input of the projections that follow; returns what they must read. */
    default NDArray projectionInput(NDArray x) {
        return x;
    }

    /** Marks {@code h} as the residual stream after attention; returns what the layer continues with. */
    default NDArray residual(NDArray h) {
        return h;
    }

    /** Each projection as registered in {@code linears} (adapters included), no cuts. */
    static LayerOps direct(LinearModules linears) {
        return (name, in, output) -> linears.get(name).forward(in);
    }
}

package org.lorapipe.model;

import ai.djl.ndarray.NDArray;

/** A plain dense projection holding weight [out, in] and an optional bias [out]. */
public final class Linear implements LinearLayer {

    private final NDArray weight;
    private final NDArray bias;

    public Linear(NDArray weight, NDArray bias) {
        if (weight.getShape().dimension() != 2) {
            throw new IllegalArgumentException("linear weight must be [out, in], got " + weight.getShape());
        }
        if (bias != null && bias.getShape().size() != weight.getShape().get(0)) {
            throw new IllegalArgumentException(
                    "bias " + bias.getShape() + " does not match weight " + weight.getShape());
        }
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    public NDArray forward(NDArray x) {
        // torch.nn.functional.linear: x [.., in] @ W^T [in, out] + b; attached to x's manager
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }

    /** Weight [out, in]. */
    public NDArray weight() {
        return weight;
    }

    /** Bias [out] or null. */
    public NDArray bias() {
        return bias;
    }

    @Override
    public int inFeatures() {
        return (int) weight.getShape().get(1);
    }

    @Override
    public int outFeatures() {
        return (int) weight.getShape().get(0);
    }
}

package org.lorapipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

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
        if (weight.getDataType() == x.getDataType()) {
            return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
        }
        // a 16-bit base weight on a GPU (WeightPrecision): widened for this product only, in x's scope
        try (NDManager tmp = x.getManager().newSubManager()) {
            NDArray y = ai.djl.nn.core.Linear.linear(x, widened(tmp, x.getDataType()), bias)
                    .singletonOrThrow();
            y.attach(x.getManager());
            return y;
        }
    }

    /** Weight [out, in] as stored: fp32, or 16-bit on a GPU (see {@link WeightPrecision}). */
    public NDArray weight() {
        return weight;
    }

    /**
     * Weight [out, in] in {@code type}: the stored array when it already is, else a converted copy
     * attached to {@code into} (closed with it).
     */
    public NDArray widened(NDManager into, DataType type) {
        if (weight.getDataType() == type) {
            return weight;
        }
        NDArray w = weight.toType(type, true);
        w.attach(into);
        return w;
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

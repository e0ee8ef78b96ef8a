package org.lorapipe.model;

import ai.djl.ndarray.NDArray;

/** RMSNorm: y = x / sqrt(mean(x^2) + eps) * g, over the last dimension (fp32). */
public final class RmsNorm {

    private final NDArray weight; // [D]
    private final float eps;

    public RmsNorm(NDArray weight, double eps) {
        this.weight = weight;
        this.eps = (float) eps;
    }

    /** [..., D] -> [..., D], attached to x's manager. */
    public NDArray forward(NDArray x) {
        NDArray ms = x.square().mean(new int[] {-1}, true); // [..., 1]
        NDArray rms = ms.add(eps).sqrt(); // [..., 1]
        return x.div(rms).mul(weight); // [..., D]
    }

    public NDArray weight() {
        return weight;
    }
}

package org.lorapipe.model;

import ai.djl.ndarray.NDArray;

/**
 * RMSNorm: y = (x * rsqrt(mean(x^2) + eps)) * g, over the last dimension (fp32), in the order of
 * Hugging Face's LlamaRMSNorm (and of run.c, which also multiplies by the inverse). The inverse is taken
 * on the [..., 1] statistic, so the [..., D] tensor sees multiplications only: cheaper than a division,
 * forward and backward.
 *
 * <p>Gemma stores the gain as an offset from one: g = 1 + w ({@code Gemma2RMSNorm}). The sum is taken
 * on every call rather than once at load, so that w stays the parameter a full fine-tuning trains.
 */
public final class RmsNorm {

    private final NDArray weight; // [D]
    private final NDArray eps; // [] owned with the weight, as every scalar of the forward
    private final boolean unitOffset;
    /** 1 as a tensor owned with the weight: a Java scalar on a recorded path is unsafe (see docs/STACK.md). */
    private final NDArray one;

    public RmsNorm(NDArray weight, double eps) {
        this(weight, eps, false);
    }

    /** With {@code unitOffset} the gain is 1 + weight (Gemma). */
    public RmsNorm(NDArray weight, double eps, boolean unitOffset) {
        this.weight = weight;
        this.eps = weight.getManager().create((float) eps);
        this.unitOffset = unitOffset;
        this.one = weight.getManager().create(1f);
    }

    /** [..., D] -> [..., D], attached to x's manager. */
    public NDArray forward(NDArray x) {
        NDArray ms = x.square().mean(new int[] {-1}, true); // [..., 1]
        NDArray inv = one.div(ms.add(eps).sqrt()); // [..., 1]
        inv.attach(x.getManager()); // a result attaches to its first operand's manager: keep it with x
        if (!unitOffset) {
            return x.mul(inv).mul(weight); // [..., D]
        }
        NDArray gain = weight.add(one); // [D]
        gain.attach(x.getManager());
        return x.mul(inv).mul(gain); // [..., D]
    }

    public NDArray weight() {
        return weight;
    }
}

package org.lorapipe.tuning.lora;

import ai.djl.ndarray.NDArray;
import org.lorapipe.model.LinearLayer;

/**
 * A frozen base projection plus a trainable low-rank update (Hu et al. 2021,
 * https://arxiv.org/abs/2106.09685), computed exactly as PEFT's {@code lora.Linear}:
 *
 * <pre>
 *        x ──────────────► base (frozen W) ─────────────┐
 *        │                                               (+) ──► h
 *        └─► dropout ─► A [r, in] ─► * s ─► B [out, r] ─┘
 *
 *   h = base(x) + s * B(A(dropout(x))),   s = alpha / r   (alpha / sqrt(r) with rsLoRA)
 * </pre>
 *
 * A starts Kaiming-uniform and B at zero (see {@link LoraAdapters}), so a fresh adapter is an exact
 * no-op. The base is never modified; only A and B receive gradients.
 */
public final class LoraLinear implements LinearLayer {

    private final LinearLayer base;
    private final NDArray a; // [r, in]
    private final NDArray b; // [out, r]
    private final float scale;
    private final NDArray scaleTensor; // [] held for the adapter's lifetime, see forward
    private final Dropout dropout;
    private final int moduleIndex;

    public LoraLinear(LinearLayer base, NDArray a, NDArray b, double scale, Dropout dropout, int moduleIndex) {
        long r = a.getShape().get(0);
        if (a.getShape().dimension() != 2
                || a.getShape().get(1) != base.inFeatures()
                || b.getShape().dimension() != 2
                || b.getShape().get(0) != base.outFeatures()
                || b.getShape().get(1) != r) {
            throw new IllegalArgumentException("LoRA shapes A " + a.getShape() + " / B " + b.getShape()
                    + " do not fit a base mapping " + base.inFeatures() + " -> " + base.outFeatures());
        }
        this.base = base;
        this.a = a;
        this.b = b;
        this.scale = (float) scale;
        this.scaleTensor = a.getManager().create((float) scale);
        this.dropout = dropout;
        this.moduleIndex = moduleIndex;
    }

    @Override
    public NDArray forward(NDArray x) {
        return forward(x, 0);
    }

    /** As {@link #forward(NDArray)} on one of several pieces of an input (see {@link Dropout#apply(NDArray, int, long)}). */
    public NDArray forward(NDArray x, long dropoutStream) {
        return base.forward(x).add(delta(x, dropoutStream)); // [..., out]
    }

    /** The adapter branch alone: s * B(A(dropout(x))), [..., in] -> [..., out]. */
    public NDArray delta(NDArray x) {
        return delta(x, 0);
    }

    private NDArray delta(NDArray x, long dropoutStream) {
        NDArray in = dropout == null ? x : dropout.apply(x, moduleIndex, dropoutStream); // [..., in]
        // s applied to the rank-r activations, not to the [..., out] result: the same product, r/out times
        // fewer elements to scale forward and backward. Not low.mul(float): DJL wraps the scalar in a tensor
        // over a Java direct buffer and closes it at once, while autograd keeps it for backward; once
        // collected, backward reads freed memory.
        NDArray low =
                ai.djl.nn.core.Linear.linear(in, a, null).singletonOrThrow().mul(scaleTensor); // [..., r]
        return ai.djl.nn.core.Linear.linear(low, b, null).singletonOrThrow(); // [..., out]
    }

    public LinearLayer base() {
        return base;
    }

    /** A [r, in] (a trainable leaf). */
    public NDArray loraA() {
        return a;
    }

    /** B [out, r] (a trainable leaf). */
    public NDArray loraB() {
        return b;
    }

    public float scale() {
        return scale;
    }

    public int rank() {
        return (int) a.getShape().get(0);
    }

    @Override
    public int inFeatures() {
        return base.inFeatures();
    }

    @Override
    public int outFeatures() {
        return base.outFeatures();
    }
}

package org.lorapipe.tuning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Autograd on the calling thread without DJL's process-wide GradientCollector (of which only one may be
 * open per JVM): recording is PyTorch's per-thread grad mode, backward is {@code torch.autograd.backward}.
 * Gradients accumulate into leaves across calls; optimizers zero them.
 */
public final class Autograd {

    private Autograd() {}

    /** Recording on until {@link Recording#close()}, which restores the previous mode. */
    public static Recording record() {
        return mode(true);
    }

    /** Recording off until {@link Recording#close()}, which restores the previous mode. */
    public static Recording pause() {
        return mode(false);
    }

    private static Recording mode(boolean recording) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(recording);
        return new Recording(previous);
    }

    /** Recording off for this thread (worker threads start with it on, see docs/STACK.md). */
    public static void off() {
        JniUtils.setGradMode(false);
    }

    /** Back-propagates {@code upstream} (same shape as {@code out}) through the recorded graph. */
    public static void backward(NDArray out, NDArray upstream) {
        JniUtils.backward((PtNDArray) out, (PtNDArray) upstream, false, false);
    }

    /** Back-propagates from a scalar. */
    public static void backward(NDArray scalar) {
        try (NDArray one = scalar.onesLike()) {
            backward(scalar, one);
        }
    }

    /** A fresh copy of {@code leaf}'s gradient (the handle getGradient returns is closed here). */
    public static NDArray gradientCopy(NDArray leaf) {
        try (NDArray g = leaf.getGradient()) {
            return g.duplicate();
        }
    }

    /** Zeroes {@code leaf}'s accumulated gradient in place. */
    public static void zeroGradient(NDArray leaf) {
        JniUtils.zeroGrad((PtNDArray) leaf);
    }

    /** A scope with recording on. */
    public static final class Recording implements AutoCloseable {
        private final boolean previous;

        private Recording(boolean previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            JniUtils.setGradMode(previous);
        }
    }
}

package org.lorapipe.tuning.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Inverted dropout on the adapter branch input (PEFT's {@code lora_dropout}): each element is kept with
 * probability 1 - p and scaled by 1 / (1 - p).
 *
 * <p>Masks are drawn in Java from a {@link SplittableRandom} keyed by (micro-batch key, module index)
 * (the trainer derives the key from the training seed, epoch and micro-batch), not from PyTorch's
 * global generator: the same micro-batch always gets the same masks, so a
 * layer recomputed for backward sees exactly the masks of its first forward pass, a resumed run
 * continues bit-identically, and concurrent jobs in one JVM cannot disturb each other's sequence.
 * Outside training ({@link #disable}) dropout is the identity.
 */
public final class Dropout {

    private final double p;
    /** Staging for masks; one trainer thread uses a Dropout at a time (see {@link #scratch}). */
    private ByteBuffer scratchBytes;

    private volatile long key;
    private volatile boolean active;

    public Dropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + p);
        }
        this.p = p;
    }

    /** Dropout on, with masks derived from {@code microBatchKey} (unique per micro-batch and seed). */
    public void enable(long microBatchKey) {
        this.key = microBatchKey;
        this.active = true;
    }

    public void disable() {
        this.active = false;
    }

    public double probability() {
        return p;
    }

    /** x, or x * mask / (1 - p) with this micro-batch's mask for module {@code moduleIndex}. */
    public NDArray apply(NDArray x, int moduleIndex) {
        return apply(x, moduleIndex, 0);
    }

    /**
     * As {@link #apply(NDArray, int)} with a mask of its own for each {@code stream}: a module applied
     * to several pieces of one micro-batch (the head over loss chunks) numbers them so that their masks
     * are independent; stream 0 is the mask of the whole-input call.
     */
    public NDArray apply(NDArray x, int moduleIndex, long stream) {
        if (!active || p == 0) {
            return x;
        }
        long n = x.getShape().size();
        if (n > Integer.MAX_VALUE / Float.BYTES) {
            throw new IllegalArgumentException("dropout input too large: " + x.getShape());
        }
        FloatBuffer mask = scratch((int) n);
        float keep = (float) (1.0 / (1.0 - p));
        SplittableRandom rnd = new SplittableRandom(mix(key, moduleIndex, 0x5DEECE66DL + stream));
        for (int i = 0; i < n; i++) {
            mask.put(i, rnd.nextDouble() < p ? 0f : keep);
        }
        // create(direct buffer) wraps the scratch memory without copying (torch from_blob); duplicate()
        // copies it into torch-owned storage, which autograd may keep for backward, so the scratch buffer
        // can be refilled by the next call.
        ByteBuffer bytes = scratchBytes.slice(0, (int) n * Float.BYTES).order(ByteOrder.nativeOrder());
        try (NDArray wrapped = x.getManager().create(bytes, x.getShape(), DataType.FLOAT32)) {
            NDArray m = wrapped.duplicate(); // [..., in]
            return x.mul(m);
        }
    }

    /**
     * The mask's staging memory, reused from call to call: a fresh array per call was garbage the JVM
     * let pile up (a heap grown by hundreds of MiB on an all-linear run) and a direct buffer per call
     * was native memory held until a collection.
     */
    private FloatBuffer scratch(int n) {
        if (scratchBytes == null || scratchBytes.capacity() < n * Float.BYTES) {
            scratchBytes = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder());
        }
        return scratchBytes.asFloatBuffer();
    }

    /** A 64-bit mix of three values (SplitMix64 finalizer over a combination). */
    public static long mix(long a, long b, long c) {
        long z = a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL + c * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

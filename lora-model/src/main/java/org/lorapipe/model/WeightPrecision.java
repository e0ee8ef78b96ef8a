package org.lorapipe.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.lorapipe.model.io.DType;

/**
 * In which dtype a frozen base weight is kept once loaded: the one rule for the whole model.
 *
 * <p>On a GPU the projection weights of a half-precision checkpoint (the q/k/v/o and MLP projections,
 * and an untied lm_head) stay 16-bit on the device, halving the memory of the part that dominates it.
 * Everything that trains or accumulates stays fp32, as PEFT does over a half-precision base: LoRA A and
 * B, their gradients and optimizer state, activations, the loss. {@link Linear} widens a 16-bit weight
 * to the activations' fp32 for each product, so the numbers equal the fp32 path's (the widened values
 * are the checkpoint's own); embeddings, norms and biases are small and stay fp32.
 *
 * <p>bf16: DJL 0.36's PyTorch JNI has no bf16 type at all (its dtype switch aborts the process for it,
 * on any device: docs/STACK.md), so a bf16 checkpoint is kept as fp16 instead. That is exact for every
 * value of magnitude 2^-17 up to 65504 (fp16 carries bf16's 8 significant bits there) and rounds smaller
 * ones by at most 2^-25; a tensor holding anything beyond fp16's range (|w| > 65504) stays fp32.
 *
 * <p>On the CPU every weight is fp32, as before: fp16 arithmetic there is very slow and bf16 aborts.
 *
 * <p>Not run on a GPU yet: this machine has none. The decision is unit-tested; the GPU path has only
 * been exercised through its CPU-side parts (the fp16 conversion and the widening in {@link Linear}).
 */
public final class WeightPrecision {

    /** Largest finite fp16 value. */
    static final float HALF_MAX = 65504f;

    private WeightPrecision() {}

    /**
     * The dtype to keep a weight in.
     *
     * @param device where the model lives
     * @param stored the checkpoint's dtype for this tensor
     * @param projection true for a linear projection's weight matrix (what {@link Linear} multiplies by)
     */
    public static DataType storage(Device device, DType stored, boolean projection) {
        if (!device.isGpu() || !projection) {
            return DataType.FLOAT32;
        }
        return switch (stored) {
            case F32 -> DataType.FLOAT32;
            case F16, BF16 -> DataType.FLOAT16; // BF16: DJL 0.36 cannot hold it, see the class comment
        };
    }

    /** True for the names {@link LlamaModel} multiplies through {@link Linear}. */
    public static boolean isProjection(String tensorName) {
        return tensorName.endsWith("_proj.weight") || tensorName.equals("lm_head.weight");
    }

    /**
     * Converts a freshly loaded fp32 weight to {@code target}, closing the fp32 copy; returns it unchanged
     * when the target is fp32 or when a bf16 tensor holds values fp16 cannot represent.
     */
    public static NDArray keep(NDArray fp32, DType stored, DataType target) {
        if (target == DataType.FLOAT32) {
            return fp32;
        }
        if (stored == DType.BF16 && !fitsHalf(fp32)) {
            return fp32;
        }
        NDArray half = fp32.toType(target, false);
        half.setName(fp32.getName());
        fp32.close();
        return half;
    }

    /** True when every element is finite-representable in fp16 (NaN and infinities pass through). */
    static boolean fitsHalf(NDArray a) {
        if (a.getShape().size() == 0) {
            return true;
        }
        try (NDArray abs = a.abs();
                NDArray finite = abs.lte(Float.MAX_VALUE);
                NDArray big = abs.gt(HALF_MAX);
                NDArray over = big.logicalAnd(finite);
                NDArray any = over.any()) {
            return !any.getBoolean();
        }
    }
}

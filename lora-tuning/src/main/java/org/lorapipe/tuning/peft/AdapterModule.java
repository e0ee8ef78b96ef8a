package org.lorapipe.tuning.peft;

import java.util.Arrays;

/**
 * One adapted linear module: {@code W' = W + scale * B A}.
 *
 * @param module HF module name, e.g. {@code model.layers.0.self_attn.q_proj} or {@code lm_head}
 * @param aKey tensor name of A [r, in] in adapter_model.safetensors
 * @param bKey tensor name of B [out, r]
 * @param aShape [r, in]
 * @param bShape [out, r]
 * @param rank r (from the tensors, checked against adapter_config.json)
 * @param scale alpha / r or alpha / sqrt(r), after rank_pattern / alpha_pattern
 */
public record AdapterModule(
        String module, String aKey, String bKey, long[] aShape, long[] bShape, int rank, double scale) {

    public AdapterModule {
        aShape = aShape.clone();
        bShape = bShape.clone();
    }

    @Override
    public long[] aShape() {
        return aShape.clone();
    }

    @Override
    public long[] bShape() {
        return bShape.clone();
    }

    public long inFeatures() {
        return aShape[1];
    }

    public long outFeatures() {
        return bShape[0];
    }

    /** The base weight this module's delta is added to ({@code module + ".weight"}). */
    public String weightName() {
        return module + ".weight";
    }

    /** Shape of B A: [out, in]. */
    public long[] deltaShape() {
        return new long[] {bShape[0], aShape[1]};
    }

    @Override
    public String toString() {
        return module + "[A " + Arrays.toString(aShape) + ", B " + Arrays.toString(bShape) + ", scale " + scale + "]";
    }
}

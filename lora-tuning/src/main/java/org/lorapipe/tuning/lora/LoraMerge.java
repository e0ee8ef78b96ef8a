package org.lorapipe.tuning.lora;

import ai.djl.ndarray.NDArray;

/**
 * Folding an adapter into its base weight: W' = W + s * B A (fp32), for serving one model. Pure
 * functions: inputs are never modified. Merging is linear, so merging the same (B, A) into W' again
 * adds it twice; callers merge each adapter exactly once into the original base.
 */
public final class LoraMerge {

    private LoraMerge() {}

    /**
     * @param w base weight [out, in], row-major
     * @param a A [r, in], row-major
     * @param b B [out, r], row-major
     * @return W + s * B A as a new [out, in] row-major array
     */
    public static float[] merge(float[] w, int out, int in, float[] a, float[] b, int r, double scale) {
        if (w.length != (long) out * in || a.length != (long) r * in || b.length != (long) out * r) {
            throw new IllegalArgumentException("shapes do not match: W " + w.length + " (" + out + "x" + in + "), A "
                    + a.length + " (" + r + "x" + in + "), B " + b.length + " (" + out + "x" + r + ")");
        }
        float[] merged = new float[w.length];
        double[] row = new double[in];
        for (int o = 0; o < out; o++) {
            java.util.Arrays.fill(row, 0);
            for (int k = 0; k < r; k++) {
                double bk = b[o * r + k];
                if (bk == 0) {
                    continue;
                }
                int base = k * in;
                for (int i = 0; i < in; i++) {
                    row[i] += bk * a[base + i];
                }
            }
            int wo = o * in;
            for (int i = 0; i < in; i++) {
                merged[wo + i] = (float) (w[wo + i] + scale * row[i]);
            }
        }
        return merged;
    }

    /** W + s * (B @ A) on NDArrays; the result belongs to {@code w}'s manager. */
    public static NDArray merge(NDArray w, NDArray a, NDArray b, double scale) {
        try (NDArray delta = b.matMul(a); // [out, in]
                NDArray scaled = delta.mul((float) scale)) {
            return w.add(scaled); // [out, in]
        }
    }
}

package org.lorapipe.tuning.peft;

/**
 * The LoRA update {@code scale * B A} of one module, added to rows of the base weight in place: the one
 * place the pipeline computes {@code W + s B A} (the merge, {@link PeftAdapter#merge}, the checks):
 *
 * <pre>
 *   W'[o, i] = W[o, i] + scale * sum_k B[o, k] * A[k, i]      // W [out, in], B [out, r], A [r, in]
 * </pre>
 *
 * Computed row by row in double precision and rounded once to fp32, in a fixed summation order, so
 * the merged bytes do not depend on BLAS, thread count or machine (merging twice gives identical
 * files) and are at least as exact as PEFT's fp32 {@code W + (B @ A) * scale}. The cost is r
 * multiply-adds per weight element, small next to reading and writing the element.
 */
public final class LowRankDelta {

    private final double[][] a; // [r][in]
    private final float[] b; // [out * r]
    private final int rank;
    private final int in;
    private final double scale;
    private final double[] acc; // one row of B A: [in]

    public LowRankDelta(float[] aValues, float[] bValues, int rank, int in, double scale) {
        if (aValues.length != (long) rank * in || bValues.length % rank != 0) {
            throw new IllegalArgumentException("A has " + aValues.length + " values for [" + rank + ", " + in
                    + "], B has " + bValues.length + " values (not a multiple of r=" + rank + ")");
        }
        this.a = new double[rank][in];
        for (int k = 0; k < rank; k++) {
            for (int i = 0; i < in; i++) {
                a[k][i] = aValues[k * in + i];
            }
        }
        this.b = bValues;
        this.rank = rank;
        this.in = in;
        this.scale = scale;
        this.acc = new double[in];
    }

    /** Adds the delta to rows [firstRow, firstRow + rows) held in {@code w} (row-major, {@code rows * in} values). */
    public void addTo(float[] w, long firstRow, int rows) {
        for (int r = 0; r < rows; r++) {
            long o = firstRow + r;
            java.util.Arrays.fill(acc, 0.0);
            for (int k = 0; k < rank; k++) {
                double bk = b[(int) (o * rank + k)];
                double[] ak = a[k];
                for (int i = 0; i < in; i++) {
                    acc[i] += bk * ak[i];
                }
            }
            int base = r * in;
            for (int i = 0; i < in; i++) {
                w[base + i] = (float) (w[base + i] + scale * acc[i]);
            }
        }
    }
}

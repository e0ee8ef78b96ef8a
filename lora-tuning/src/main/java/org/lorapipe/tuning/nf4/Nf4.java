package org.lorapipe.tuning.nf4;

/**
 * 4-bit NormalFloat (Dettmers et al. 2023, QLoRA) exactly as bitsandbytes {@code quantize_4bit} with
 * {@code quant_type="nf4"}:
 *
 * <ul>
 *   <li>the weight is flattened and cut into blocks of {@code blockSize} (64) values; each block keeps
 *       its fp32 absmax;
 *   <li>each value x / absmax (computed as x * (1 / absmax), as the bnb kernel does) is rounded to the
 *       NEAREST of the 16 {@link #CODE} values: bnb's {@code dQuantizeNF4} compares against the
 *       midpoints between consecutive codes, choosing the upper code only when x &gt; midpoint;
 *   <li>two 4-bit indices per byte, the first element in the high nibble ({@code q[2j] << 4 | q[2j+1]}).
 * </ul>
 *
 * A block whose absmax is 0 stores index 7 (code 0.0) everywhere. An odd last value is padded with 0.
 */
public final class Nf4 {

    /** bitsandbytes' NF4 code book (index = 4-bit code). */
    public static final float[] CODE = {
        -1.0f,
        -0.6961928009986877f,
        -0.5250730514526367f,
        -0.39491748809814453f,
        -0.28444138169288635f,
        -0.18477343022823334f,
        -0.09105003625154495f,
        0.0f,
        0.07958029955625534f,
        0.16093020141124725f,
        0.2461123019456863f,
        0.33791524171829224f,
        0.44070982933044434f,
        0.5626170039176941f,
        0.7229568362236023f,
        1.0f
    };

    /**
     * Decision thresholds, the float constants of bnb's {@code dQuantizeNF4}: the midpoints between
     * consecutive codes (x goes to the upper code only when x &gt; MID[i]). Hard-coded rather than
     * computed, because some midpoints fall on a float rounding tie and bnb's literals round them down.
     */
    static final float[] MID = {
        -0.8480964004993439f,
        -0.6106329262256622f,
        -0.4599952697753906f,
        -0.33967943489551544f,
        -0.23460740596055984f,
        -0.13791173323988914f,
        -0.045525018125772476f,
        0.03979014977812767f,
        0.1202552504837513f,
        0.2035212516784668f,
        0.2920137718319893f,
        0.3893125355243683f,
        0.5016634166240692f,
        0.6427869200706482f,
        0.8614784181118011f
    };

    /** Half the widest gap between consecutive codes (the worst-case rounding error, times absmax). */
    public static final double HALF_MAX_GAP;

    static {
        double gap = 0;
        for (int i = 0; i < 15; i++) {
            gap = Math.max(gap, (double) CODE[i + 1] - CODE[i]);
        }
        HALF_MAX_GAP = gap / 2;
    }

    private Nf4() {}

    /** The 4-bit index of the code nearest to {@code x} (x already divided by absmax). */
    public static int index(float x) {
        int lo = 0; // count of midpoints strictly below x
        int hi = 15;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (x > MID[mid]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Quantizes {@code w} (row-major) of the given shape. */
    public static Nf4Tensor quantize(float[] w, long[] shape, int blockSize, boolean doubleQuant) {
        if (blockSize <= 0 || blockSize % 2 != 0) {
            throw new IllegalArgumentException("NF4 block size must be a positive even number, got " + blockSize);
        }
        int n = w.length;
        int blocks = (n + blockSize - 1) / blockSize;
        float[] absmax = new float[blocks];
        byte[] packed = new byte[(n + 1) / 2];
        for (int b = 0; b < blocks; b++) {
            int from = b * blockSize;
            int to = Math.min(n, from + blockSize);
            float m = 0;
            for (int i = from; i < to; i++) {
                m = Math.max(m, Math.abs(w[i]));
            }
            absmax[b] = m;
            float inv = m == 0 ? 0f : 1f / m;
            for (int i = from; i < to; i++) {
                int q = m == 0 ? 7 : index(w[i] * inv);
                if ((i & 1) == 0) {
                    packed[i >> 1] = (byte) (q << 4);
                } else {
                    packed[i >> 1] |= (byte) q;
                }
            }
            if (to == n && (n & 1) == 1) {
                packed[n >> 1] |= (byte) 7; // pad value 0.0 in the low nibble
            }
        }
        Nf4Tensor.Scales scales = doubleQuant ? DoubleQuant.quantize(absmax) : Nf4Tensor.Scales.plain(absmax);
        return new Nf4Tensor(shape.clone(), n, blockSize, packed, scales);
    }

    /** Dequantizes on the heap: w[i] = CODE[q_i] * absmax[i / blockSize]. */
    public static float[] dequantize(Nf4Tensor t) {
        float[] absmax = t.scales().absmax();
        float[] w = new float[t.numel()];
        byte[] p = t.packed();
        for (int i = 0; i < w.length; i++) {
            int b = p[i >> 1] & 0xff;
            int q = (i & 1) == 0 ? b >>> 4 : b & 15;
            w[i] = CODE[q] * absmax[i / t.blockSize()];
        }
        return w;
    }

    /** High nibble = first element (bitsandbytes order). */
    public static int highNibble(byte b) {
        return (b & 0xff) >>> 4;
    }

    public static int lowNibble(byte b) {
        return b & 15;
    }
}

package org.lorapipe.tuning.nf4;

/**
 * bitsandbytes' nested quantization of the NF4 block absmax values ({@code compress_statistics=True}):
 *
 * <pre>
 *   offset = mean(absmax)
 *   c      = absmax - offset
 *   per block of 256: a2 = max |c|, q = nearest DynamicMap code of c / a2   (8 bits)
 *   absmax ≈ DynamicMap[q] * a2 + offset
 * </pre>
 *
 * We use the same 8-bit dynamic map as bnb (not a linear code): the centred absmax values are small
 * and cluster around 0, where the dynamic map is dense, and using bnb's code keeps our quantized
 * tensors value-for-value comparable with bnb's. Cost: 8 bits per 64 weights plus 32 bits per 16,384
 * weights: 4 + 0.125 + 0.002 = 4.127 bits per parameter (4.5 without nesting).
 */
public final class DoubleQuant {

    public static final int BLOCK = 256;

    private DoubleQuant() {}

    public static Nf4Tensor.Scales quantize(float[] absmax) {
        int n = absmax.length;
        double sum = 0;
        for (float a : absmax) {
            sum += a;
        }
        float offset = (float) (sum / n);
        int blocks = (n + BLOCK - 1) / BLOCK;
        byte[] q = new byte[n]; // as bnb: one code per absmax, the last block may be partial
        float[] a2 = new float[blocks];
        for (int b = 0; b < blocks; b++) {
            int from = b * BLOCK;
            int to = Math.min(n, from + BLOCK);
            float m = 0;
            for (int i = from; i < to; i++) {
                m = Math.max(m, Math.abs(absmax[i] - offset));
            }
            a2[b] = m;
            for (int i = from; i < to; i++) {
                float c = m != 0 ? (absmax[i] - offset) / m : 0f;
                q[i] = (byte) DynamicMap.nearest(c);
            }
        }
        return new Nf4Tensor.Scales(null, q, a2, offset, n);
    }

    public static float[] dequantize(Nf4Tensor.Scales s) {
        float[] out = new float[s.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = DynamicMap.CODE[s.quantized()[i] & 0xff] * s.absmax2()[i / BLOCK] + s.offset();
        }
        return out;
    }
}

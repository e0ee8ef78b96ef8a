package org.lorapipe.merge.domain;

/**
 * 4-bit NormalFloat quantization exactly as bitsandbytes does it ({@code quantize_4bit(...,
 * quant_type="nf4")} without double quantization): the flattened weight is cut into blocks of
 * {@code blockSize} (64) values; each block keeps its absmax in fp32 and each value the index of the
 * nearest NF4 code to {@code x * (1 / absmax)}. Ties go to the lower code, as in bitsandbytes'
 * {@code dQuantizeNF4} decision tree, whose thresholds (the midpoints of neighbouring codes, as fp32
 * literals) are used here verbatim. Dequantization is {@code code[q] * absmax} in fp32.
 *
 * <p>With double quantization bitsandbytes additionally stores the absmax values in 8 bits; that
 * second rounding is not modelled here (the absmax stay exact).
 */
public final class Nf4 {

    /** The 16 NF4 levels (QLoRA paper, bitsandbytes {@code get_4bit_type("nf4")}). */
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

    /** THRESHOLD[i]: values above it map to code i + 1 or higher (bitsandbytes' tree constants). */
    private static final float[] THRESHOLD = {
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

    public static final int DEFAULT_BLOCK_SIZE = 64;

    private Nf4() {}

    /**
     * A quantized tensor: one 4-bit code per value (kept one per byte here, unpacked) and one absmax
     * per block.
     */
    public record Quantized(byte[] codes, float[] absmax, int blockSize) {}

    /** The NF4 code of a value already scaled into [-1, 1]; NaN maps to 0 as in bitsandbytes. */
    static int code(float x) {
        for (int i = THRESHOLD.length - 1; i >= 0; i--) {
            if (x > THRESHOLD[i]) {
                return i + 1;
            }
        }
        return 0;
    }

    public static Quantized quantize(float[] w, int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("blockSize must be > 0, got " + blockSize);
        }
        int blocks = (w.length + blockSize - 1) / blockSize;
        byte[] codes = new byte[w.length];
        float[] absmax = new float[blocks];
        for (int b = 0; b < blocks; b++) {
            int from = b * blockSize;
            int to = Math.min(w.length, from + blockSize);
            float max = 0f;
            for (int i = from; i < to; i++) {
                max = Math.max(max, Math.abs(w[i]));
            }
            absmax[b] = max;
            float inv = 1.0f / max; // bitsandbytes multiplies by the reciprocal (inf for an all-zero block)
            for (int i = from; i < to; i++) {
                codes[i] = (byte) code(w[i] * inv);
            }
        }
        return new Quantized(codes, absmax, blockSize);
    }

    public static float[] dequantize(Quantized q) {
        float[] out = new float[q.codes().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = CODE[q.codes()[i]] * q.absmax()[i / q.blockSize()];
        }
        return out;
    }

    /** dequantize(quantize(w)): the weight the QLoRA adapter was trained against. */
    public static float[] roundTrip(float[] w, int blockSize) {
        return dequantize(quantize(w, blockSize));
    }
}

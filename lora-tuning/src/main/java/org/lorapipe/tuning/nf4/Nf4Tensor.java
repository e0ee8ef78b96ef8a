package org.lorapipe.tuning.nf4;

/**
 * A weight in NF4 on the heap: packed 4-bit codes and its per-block scales.
 *
 * @param shape original shape (e.g. [out, in])
 * @param numel element count
 * @param blockSize values per absmax block (64)
 * @param packed ceil(numel / 2) bytes, first element in the high nibble
 * @param scales the per-block absmax, plain fp32 or double-quantized
 */
public record Nf4Tensor(long[] shape, int numel, int blockSize, byte[] packed, Scales scales) {

    public int blocks() {
        return (numel + blockSize - 1) / blockSize;
    }

    /** Bytes this representation holds: codes + scales. */
    public long bytes() {
        return packed.length + scales.bytes();
    }

    /**
     * Bytes a weight of {@code numel} elements takes in NF4, computed from its size alone (what
     * {@link #bytes()} of its quantized form returns): ceil(n / 2) codes, then per block of
     * {@code blockSize} an fp32 absmax, or with double quantization an 8-bit code per block plus an
     * fp32 absmax2 per 256 blocks and the fp32 offset.
     */
    public static long bytes(long numel, int blockSize, boolean doubleQuant) {
        long blocks = (numel + blockSize - 1) / blockSize;
        long scales =
                doubleQuant ? blocks + (blocks + DoubleQuant.BLOCK - 1) / DoubleQuant.BLOCK * 4L + 4 : blocks * 4L;
        return (numel + 1) / 2 + scales;
    }

    /** Storage bits per weight. */
    public double bitsPerParameter() {
        return bytes() * 8.0 / numel;
    }

    /**
     * Per-block absmax values: either fp32 ({@code quantized == null}), or bitsandbytes' nested form:
     * 8-bit {@link DynamicMap} codes of (absmax - offset) in blocks of 256 with one fp32 absmax2 per
     * block.
     *
     * @param plain fp32 absmax per block, or null
     * @param quantized 8-bit code per block, or null
     * @param absmax2 fp32 scale per 256 absmax values
     * @param offset mean of the absmax values, subtracted before quantizing
     * @param count number of absmax values
     */
    public record Scales(float[] plain, byte[] quantized, float[] absmax2, float offset, int count) {

        public static Scales plain(float[] absmax) {
            return new Scales(absmax, null, null, 0f, absmax.length);
        }

        public boolean doubleQuantized() {
            return quantized != null;
        }

        /** The fp32 absmax of every block (dequantized when nested). */
        public float[] absmax() {
            if (plain != null) {
                return plain;
            }
            return DoubleQuant.dequantize(this);
        }

        public long bytes() {
            return plain != null ? plain.length * 4L : quantized.length + absmax2.length * 4L + 4;
        }
    }
}

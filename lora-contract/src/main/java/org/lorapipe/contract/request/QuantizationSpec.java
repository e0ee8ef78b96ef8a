package org.lorapipe.contract.request;

/**
 * How the frozen base is held while training.
 *
 * @param type {@code none} or {@code nf4} (QLoRA)
 * @param doubleQuant quantize the per-block absmax values too (8-bit, blocks of 256)
 * @param blockSize NF4 block size; 64 as in bitsandbytes
 */
public record QuantizationSpec(QuantizationType type, boolean doubleQuant, int blockSize) {
    public static final int DEFAULT_BLOCK_SIZE = 64;
}

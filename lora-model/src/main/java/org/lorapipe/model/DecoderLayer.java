package org.lorapipe.model;

import ai.djl.ndarray.NDArray;

/** One pre-norm decoder block: h = x + attn(norm1(x)); out = h + mlp(norm2(h)). */
final class DecoderLayer {

    private final int index;
    private final RmsNorm inputNorm;
    private final Attention attention;
    private final RmsNorm postAttentionNorm;
    private final FeedForward mlp;

    DecoderLayer(int index, RmsNorm inputNorm, Attention attention, RmsNorm postAttentionNorm, FeedForward mlp) {
        this.index = index;
        this.inputNorm = inputNorm;
        this.attention = attention;
        this.postAttentionNorm = postAttentionNorm;
        this.mlp = mlp;
    }

    /** [B, T, D] -> [B, T, D]. */
    NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray mask, RotaryEmbedding rope, KvCache cache) {
        NDArray h = x.add(attention.forward(inputNorm.forward(x), cos, sin, mask, rope, cache, index)); // [B, T, D]
        return h.add(mlp.forward(postAttentionNorm.forward(h))); // [B, T, D]
    }
}

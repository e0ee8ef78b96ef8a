package org.lorapipe.model;

import ai.djl.ndarray.NDArray;
import org.lorapipe.model.LayerOps.Output;

/**
 * One pre-norm decoder block, the only one: inference, training (plain, taped or recomputed), scoring
 * and generation all run this forward, and differ only in the {@link LayerOps} they pass.
 *
 * <pre>
 *   Llama, Mistral, Qwen, Phi-3:  h = x + attn(norm1(x));              y = h + mlp(norm2(h))
 *   Gemma 2 (sandwich norms):     h = x + norm_a(attn(norm1(x)));      y = h + norm_f(mlp(norm2(h)))
 * </pre>
 *
 * Norm names as in the checkpoints: norm1 {@code input_layernorm}; norm2 {@code post_attention_layernorm}
 * (Llama) or {@code pre_feedforward_layernorm} (Gemma 2, whose {@code post_attention_layernorm} is
 * norm_a and {@code post_feedforward_layernorm} norm_f).
 */
public final class DecoderLayer {

    private final int index;
    private final RmsNorm inputNorm;
    private final Attention attention;
    private final RmsNorm attentionOutNorm; // Gemma 2, else null
    private final RmsNorm feedForwardNorm;
    private final FeedForward mlp;
    private final RmsNorm feedForwardOutNorm; // Gemma 2, else null

    DecoderLayer(
            int index,
            RmsNorm inputNorm,
            Attention attention,
            RmsNorm attentionOutNorm,
            RmsNorm feedForwardNorm,
            FeedForward mlp,
            RmsNorm feedForwardOutNorm) {
        this.index = index;
        this.inputNorm = inputNorm;
        this.attention = attention;
        this.attentionOutNorm = attentionOutNorm;
        this.feedForwardNorm = feedForwardNorm;
        this.mlp = mlp;
        this.feedForwardOutNorm = feedForwardOutNorm;
    }

    /**
     * @param x [B, T, D] the layer input
     * @return [B, T, D]
     */
    public NDArray forward(NDArray x, LayerContext ctx, LayerOps ops) {
        NDArray n1 = ops.projectionInput(inputNorm.forward(x)); // [B, T, D]
        NDArray a = ops.projectionInput(attention.attend(n1, ctx, ops)); // [B, T, nh*hs]
        NDArray h = ops.residual(x.add(output(attention.outputProjection(), a, attentionOutNorm, ops))); // [B, T, D]
        NDArray n2 = ops.projectionInput(feedForwardNorm.forward(h)); // [B, T, D]
        NDArray m = ops.projectionInput(mlp.gated(n2, ops)); // [B, T, H]
        return h.add(output(mlp.outputProjection(), m, feedForwardOutNorm, ops)); // [B, T, D]
    }

    /** A block's output projection, normalised when the architecture says so: [..., in] -> [B, T, D]. */
    private static NDArray output(String projection, NDArray in, RmsNorm norm, LayerOps ops) {
        if (norm == null) {
            return ops.project(projection, in, Output.INTO_RESIDUAL);
        }
        return norm.forward(ops.project(projection, in, Output.READ));
    }

    public int index() {
        return index;
    }
}

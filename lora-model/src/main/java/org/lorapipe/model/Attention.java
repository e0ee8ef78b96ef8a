package org.lorapipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.lorapipe.model.LayerOps.Output;

/**
 * Causal multi-head self-attention with grouped-query heads (nkv key/value heads shared by groups of
 * nh / nkv query heads: query head h reads kv head h / (nh / nkv)) and rotary positions.
 *
 * <pre>
 *   q, k, v = x Wq^T, x Wk^T, x Wv^T         (+ biases for Qwen2; one fused qkv_proj for Phi-3)
 *   q, k    = rms_head(q), rms_head(k)        (Qwen3 only)
 *   s       = (rope(q) * scale) rope(k)^T     scale = 1/sqrt(hs), Gemma 2: query_pre_attn_scalar^-0.5
 *   s       = c * tanh(s / c)                 (Gemma 2's attention soft-capping only)
 *   y       = softmax(s + mask) v             merged heads [B, T, nh*hs], the input of o_proj
 * </pre>
 *
 * Scalars are tensors owned with the weights: under autograd a Java number would be wrapped over a
 * buffer that is freed before backward reads it (docs/STACK.md).
 */
public final class Attention {

    private final LlamaConfig c;
    private final int layer;
    private final String prefix;
    private final boolean windowed;
    private final RmsNorm qNorm; // Qwen3: over each head of q, before RoPE; else null
    private final RmsNorm kNorm;
    private final RotaryEmbedding rope;
    private final NDArray scale; // []
    private final NDArray softCap; // [] or null

    Attention(LlamaConfig config, int layer, RotaryEmbedding rope, RmsNorm qNorm, RmsNorm kNorm, NDManager weights) {
        this.c = config;
        this.layer = layer;
        this.prefix = "model.layers." + layer + ".self_attn.";
        this.windowed = config.windowed(layer);
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.rope = rope;
        this.scale = weights.create((float) (1.0 / Math.sqrt(config.queryPreAttnScalar())));
        this.softCap = config.attnLogitSoftcapping() > 0 ? weights.create((float) config.attnLogitSoftcapping()) : null;
    }

    /** The output projection's module name (its input is what {@link #attend} returns). */
    public String outputProjection() {
        return prefix + "o_proj";
    }

    /**
     * Projections, heads, rotary positions and attention up to the merged heads.
     *
     * @param x [B, T, D] the normalised layer input (a projection input)
     * @return [B, T, nh*hs], the input of {@link #outputProjection()}
     */
    public NDArray attend(NDArray x, LayerContext ctx, LayerOps ops) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int nh = c.numAttentionHeads();
        int nkv = c.numKeyValueHeads();
        int hs = c.headDim();
        NDArray q;
        NDArray k;
        NDArray v;
        if (c.arch().fusedProjections()) {
            // Phi3Attention: qkv [B, T, nh*hs + 2*nkv*hs] sliced into q | k | v
            NDArray qkv = ops.project(prefix + "qkv_proj", x, Output.READ);
            long kAt = c.qDim();
            long vAt = kAt + c.kvDim();
            q = qkv.get(new NDIndex("..., :" + kAt)); // [B, T, nh*hs]
            k = qkv.get(new NDIndex("..., " + kAt + ":" + vAt)); // [B, T, nkv*hs]
            v = qkv.get(new NDIndex("..., " + vAt + ":")); // [B, T, nkv*hs]
        } else {
            q = ops.project(prefix + "q_proj", x, Output.READ); // [B, T, nh*hs]
            k = ops.project(prefix + "k_proj", x, Output.READ); // [B, T, nkv*hs]
            v = ops.project(prefix + "v_proj", x, Output.READ); // [B, T, nkv*hs]
        }
        NDArray qh = HeadLayout.split(q, b, t, nh, hs, qNorm); // [B, nh, T, hs]
        NDArray kh = HeadLayout.split(k, b, t, nkv, hs, kNorm); // [B, nkv, T, hs]
        NDArray vh = v.reshape(b, t, nkv, hs).transpose(0, 2, 1, 3); // [B, nkv, T, hs]
        // the scale on q [.., T, hs] rather than on the scores [.., T, Tk]: fewer elements to scale, forward
        // and backward (transformers applies its `scaling` to the scores; equal up to rounding)
        qh = rope.apply(qh, ctx.cos(), ctx.sin()).mul(scale);
        kh = rope.apply(kh, ctx.cos(), ctx.sin());
        if (ctx.cache() != null) {
            NDArray[] kv = ctx.cache().append(layer, kh, vh);
            kh = kv[0]; // [B, nkv, Tk, hs]
            vh = kv[1]; // [B, nkv, Tk, hs]
        }
        return attention(qh, kh, vh, ctx.mask(windowed), x.getManager());
    }

    /**
     * Grouped-query attention of scaled, rotated heads.
     *
     * @param qh [B, nh, T, hs]
     * @param kh [B, nkv, Tk, hs] (possibly owned by a KV cache)
     * @param vh [B, nkv, Tk, hs] (possibly owned by a KV cache)
     * @param mask additive [B|1, 1, T, Tk] or null
     * @param scope where views and copies of cache-owned keys and values go
     * @return [B, T, nh*hs]
     */
    private NDArray attention(NDArray qh, NDArray kh, NDArray vh, NDArray mask, NDManager scope) {
        long b = qh.getShape().get(0);
        long t = qh.getShape().get(2);
        int nh = c.numAttentionHeads();
        int nkv = c.numKeyValueHeads();
        int hs = c.headDim();
        int rep = c.groupSize();
        long tk = kh.getShape().get(2);
        // GQA without copying k/v: the rep query heads of a group become rep*T rows of one kv head
        NDArray qg = qh.reshape(b, nkv, rep * t, hs); // [B, nkv, rep*T, hs]
        NDArray kt = HeadLayout.keysTransposed(kh); // [B, nkv, hs, Tk] (packed for narrow heads)
        kt.attach(scope); // a view of cache-owned keys must not pile up in the cache's manager
        NDArray laidOut = HeadLayout.values(vh); // [B, nkv, Tk, hs]
        if (laidOut != vh) {
            laidOut.attach(scope); // a copy of cache-owned values, as kt
        }
        NDArray att = qg.matMul(kt).reshape(b, nh, t, tk); // [B, nh, T, Tk]
        if (softCap != null) {
            att = att.div(softCap).tanh().mul(softCap); // Gemma 2: c * tanh(s / c), before the mask
        }
        if (mask != null) {
            att = att.add(mask);
        }
        att = att.softmax(-1); // [B, nh, T, Tk]
        NDArray y = att.reshape(b, nkv, rep * t, tk).matMul(laidOut); // [B, nkv, rep*T, hs]
        return y.reshape(b, nh, t, hs).transpose(0, 2, 1, 3).reshape(b, t, (long) nh * hs); // [B, T, nh*hs]
    }
}

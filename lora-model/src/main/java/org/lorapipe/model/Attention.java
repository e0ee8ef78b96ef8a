package org.lorapipe.model;

import ai.djl.ndarray.NDArray;

/**
 * Causal multi-head self-attention with grouped-query heads (nkv key/value heads shared by groups of
 * nh / nkv query heads: query head h reads kv head h / (nh / nkv)) and rotary positions.
 *
 * <pre>
 *   q, k, v = x Wq^T, x Wk^T, x Wv^T       (+ biases for Qwen2-style configs)
 *   att     = softmax((rope(q) / sqrt(hs)) rope(k)^T + mask)
 *   y       = (att v) Wo^T
 * </pre>
 */
final class Attention {

    private final LlamaConfig c;
    private final LinearModules modules;
    private final String q;
    private final String k;
    private final String v;
    private final String o;
    private final float invScale;
    private final RmsNorm qNorm; // Qwen3: over each head of q, before RoPE; else null
    private final RmsNorm kNorm;

    Attention(LlamaConfig config, LinearModules modules, String prefix) {
        this(config, modules, prefix, null, null);
    }

    Attention(LlamaConfig config, LinearModules modules, String prefix, RmsNorm qNorm, RmsNorm kNorm) {
        this.c = config;
        this.modules = modules;
        this.q = prefix + "q_proj";
        this.k = prefix + "k_proj";
        this.v = prefix + "v_proj";
        this.o = prefix + "o_proj";
        this.invScale = (float) (1.0 / Math.sqrt(config.headDim()));
        this.qNorm = qNorm;
        this.kNorm = kNorm;
    }

    /**
     * @param x [B, T, D]
     * @param mask additive [B|1, 1, T, Tk] or null
     * @return [B, T, D]
     */
    NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray mask, RotaryEmbedding rope, KvCache cache, int layer) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int nh = c.numAttentionHeads();
        int nkv = c.numKeyValueHeads();
        int hs = c.headDim();
        int rep = c.groupSize();
        NDArray qh = HeadLayout.split(modules.get(q).forward(x), b, t, nh, hs, qNorm); // [B, nh, T, hs]
        NDArray kh = HeadLayout.split(modules.get(k).forward(x), b, t, nkv, hs, kNorm); // [B, nkv, T, hs]
        NDArray vh = modules.get(v).forward(x).reshape(b, t, nkv, hs).transpose(0, 2, 1, 3); // [B, nkv, T, hs]
        // 1/sqrt(hs) on q [.., T, hs] rather than on the scores [.., T, Tk]: fewer elements to scale (HF
        // applies its `scaling` to the scores; equal up to rounding)
        qh = rope.apply(qh, cos, sin).mul(invScale);
        kh = rope.apply(kh, cos, sin);
        if (cache != null) {
            NDArray[] kv = cache.append(layer, kh, vh);
            kh = kv[0]; // [B, nkv, Tk, hs]
            vh = kv[1]; // [B, nkv, Tk, hs]
        }
        long tk = kh.getShape().get(2);
        // GQA without copying k/v: the rep query heads of a group become rep*T rows of one kv head
        NDArray qg = qh.reshape(b, nkv, rep * t, hs); // [B, nkv, rep*T, hs]
        NDArray kt = HeadLayout.keysTransposed(kh); // [B, nkv, hs, Tk]
        kt.attach(x.getManager()); // a view of cache-owned keys must not pile up in the cache's manager
        NDArray laidOut = HeadLayout.values(vh); // [B, nkv, Tk, hs]
        if (laidOut != vh) {
            laidOut.attach(x.getManager()); // a copy of cache-owned values, as kt
            vh = laidOut;
        }
        NDArray att = qg.matMul(kt); // [B, nkv, rep*T, Tk]
        att = att.reshape(b, nh, t, tk); // [B, nh, T, Tk]
        if (mask != null) {
            att = att.add(mask);
        }
        att = att.softmax(-1); // [B, nh, T, Tk]
        NDArray y = att.reshape(b, nkv, rep * t, tk).matMul(vh); // [B, nkv, rep*T, hs]
        y = y.reshape(b, nh, t, hs).transpose(0, 2, 1, 3).reshape(b, t, (long) nh * hs); // [B, T, nh*hs]
        return modules.get(o).forward(y); // [B, T, D]
    }
}

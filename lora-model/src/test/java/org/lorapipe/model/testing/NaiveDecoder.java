package org.lorapipe.model.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.model.Architecture;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.RopeScaling;

/**
 * A second, independent forward: plain loops in double over the weights, written from transformers'
 * modeling code line by line rather than from our model, so the two can only agree if both follow it.
 * One sequence, no cache, no padding. Slow (O(T^2 D) per layer in Java) and meant for models of a few
 * thousand parameters. The Gemma 2 parts follow {@code modeling_gemma2.py} as of transformers commit
 * 006e869 and the Phi-3 parts {@code modular_phi3.py} as of 06053b8 (both read for this class; later
 * versions move code into shared helpers, not change these formulas).
 *
 * <pre>
 *   llama/modeling_llama.py     LlamaRMSNorm.forward, LlamaMLP.forward, rotate_half, apply_rotary_pos_emb,
 *                               eager_attention_forward (softmax(q k^T * scaling + mask) v), repeat_kv,
 *                               LlamaDecoderLayer.forward, LlamaModel.forward, LlamaForCausalLM.forward
 *   modeling_rope_utils.py      _compute_llama3_parameters (the wavelength bands),
 *                               _compute_longrope_parameters (short / long factors, attention factor)
 *   mistral/modeling_mistral.py the sliding-window causal mask: key j visible from query i iff
 *                               i - W < j <= i
 *   qwen2/modeling_qwen2.py     q_proj, k_proj, v_proj with bias=True, o_proj without
 *   qwen3/modeling_qwen3.py     Qwen3Attention: q_norm / k_norm over head_dim before RoPE
 *   gemma2/modeling_gemma2.py   Gemma2RMSNorm (x * rsqrt(mean x^2 + eps) * (1 + w)),
 *                               eager_attention_forward (scores * query_pre_attn_scalar^-0.5, then
 *                               c * tanh(scores / c), then the mask), Gemma2DecoderLayer.forward (sliding on
 *                               even layers; post_attention_layernorm on the attention output,
 *                               pre_/post_feedforward_layernorm around the MLP), Gemma2Model.forward
 *                               (embeddings * hidden_size**0.5), Gemma2ForCausalLM.forward (final soft-cap),
 *                               ACT2FN["gelu_pytorch_tanh"]
 *   phi3/modeling_phi3.py       Phi3Attention (qkv[..., :nh*hs] | next nkv*hs | rest), Phi3MLP
 *                               (gate, up = gate_up_proj(x).chunk(2); up * act(gate))
 * </pre>
 */
public final class NaiveDecoder {

    private final LlamaConfig c;
    private final Map<String, float[]> w = new HashMap<>();

    /** Reads every weight of {@code model} once (copies). */
    public NaiveDecoder(LlamaModel model) {
        this.c = model.config();
        model.weights().forEach((name, array) -> w.put(name, array.toFloatArray()));
        if (c.tieWordEmbeddings()) {
            w.put("lm_head.weight", w.get("model.embed_tokens.weight"));
        }
    }

    /** Logits [T, V] of one sequence, row-major. */
    public float[] logits(int[] ids) {
        int t = ids.length;
        int d = c.hiddenSize();
        Architecture arch = c.arch();
        double[][] x = new double[t][d];
        double embedScale = arch.scaledEmbedding() ? Math.sqrt(d) : 1.0;
        for (int i = 0; i < t; i++) {
            for (int k = 0; k < d; k++) {
                x[i][k] = w.get("model.embed_tokens.weight")[ids[i] * d + k] * embedScale;
            }
        }
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            x = layer(l, x);
        }
        double[][] n = rms(x, "model.norm.weight");
        double[][] logits = linear(n, "lm_head", c.vocabSize(), d);
        float[] out = new float[t * c.vocabSize()];
        double cap = c.finalLogitSoftcapping();
        for (int i = 0; i < t; i++) {
            for (int v = 0; v < c.vocabSize(); v++) {
                double z = logits[i][v];
                out[i * c.vocabSize() + v] = (float) (cap > 0 ? cap * Math.tanh(z / cap) : z);
            }
        }
        return out;
    }

    private double[][] layer(int l, double[][] x) {
        String p = "model.layers." + l + ".";
        Architecture arch = c.arch();
        int d = c.hiddenSize();
        int t = x.length;
        double[][] n1 = rms(x, p + "input_layernorm.weight");
        double[][] q;
        double[][] k;
        double[][] v;
        if (arch.fusedProjections()) {
            double[][] qkv = linear(n1, p + "self_attn.qkv_proj", c.qDim() + 2 * c.kvDim(), d);
            q = columns(qkv, 0, c.qDim());
            k = columns(qkv, c.qDim(), c.kvDim());
            v = columns(qkv, c.qDim() + c.kvDim(), c.kvDim());
        } else {
            q = linear(n1, p + "self_attn.q_proj", c.qDim(), d);
            k = linear(n1, p + "self_attn.k_proj", c.kvDim(), d);
            v = linear(n1, p + "self_attn.v_proj", c.kvDim(), d);
        }
        double[][] att = attention(l, q, k, v);
        double[][] o = linear(att, p + "self_attn.o_proj", d, c.qDim());
        if (arch.sandwichNorms()) {
            o = rms(o, p + "post_attention_layernorm.weight");
        }
        double[][] h = add(x, o);
        double[][] n2 = rms(
                h, p + (arch.sandwichNorms() ? "pre_feedforward_layernorm" : "post_attention_layernorm") + ".weight");
        int f = c.intermediateSize();
        double[][] g;
        double[][] u;
        if (arch.fusedProjections()) {
            double[][] gu = linear(n2, p + "mlp.gate_up_proj", 2 * f, d);
            g = columns(gu, 0, f);
            u = columns(gu, f, f);
        } else {
            g = linear(n2, p + "mlp.gate_proj", f, d);
            u = linear(n2, p + "mlp.up_proj", f, d);
        }
        double[][] m = new double[t][f];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < f; j++) {
                m[i][j] = act(g[i][j]) * u[i][j];
            }
        }
        double[][] down = linear(m, p + "mlp.down_proj", d, f);
        if (arch.sandwichNorms()) {
            down = rms(down, p + "post_feedforward_layernorm.weight");
        }
        return add(h, down);
    }

    private double act(double z) {
        if (c.hiddenAct().equals("gelu_pytorch_tanh")) {
            return 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)));
        }
        return z / (1 + Math.exp(-z)); // silu
    }

    /** Merged heads [T, nh*hs]. */
    private double[][] attention(int l, double[][] q, double[][] k, double[][] v) {
        String p = "model.layers." + l + ".self_attn.";
        int t = q.length;
        int nh = c.numAttentionHeads();
        int hs = c.headDim();
        int group = nh / c.numKeyValueHeads();
        double[] freq = inverseFrequencies(t);
        double ropeScale = ropeScale();
        double scaling = Math.pow(c.queryPreAttnScalar(), -0.5);
        double cap = c.attnLogitSoftcapping();
        boolean windowed = c.slidingWindow() > 0 && c.arch().windowedLayers() == Architecture.WindowedLayers.ALL
                || c.slidingWindow() > 0 && c.arch().windowedLayers() == Architecture.WindowedLayers.EVEN && l % 2 == 0;
        double[][] out = new double[t][nh * hs];
        for (int h = 0; h < nh; h++) {
            int kvh = h / group; // repeat_kv
            double[][] qh = new double[t][];
            double[][] kh = new double[t][];
            for (int i = 0; i < t; i++) {
                qh[i] = rope(headNorm(slice(q[i], h * hs, hs), p + "q_norm.weight"), i, freq, ropeScale);
                kh[i] = rope(headNorm(slice(k[i], kvh * hs, hs), p + "k_norm.weight"), i, freq, ropeScale);
            }
            for (int i = 0; i < t; i++) {
                double[] s = new double[t];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < t; j++) {
                    boolean visible = j <= i && (!windowed || i - j < c.slidingWindow());
                    if (!visible) {
                        s[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int e = 0; e < hs; e++) {
                        dot += qh[i][e] * kh[j][e];
                    }
                    double score = dot * scaling;
                    s[j] = cap > 0 ? cap * Math.tanh(score / cap) : score;
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < t; j++) {
                    s[j] = s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = 0; j < t; j++) {
                    for (int e = 0; e < hs; e++) {
                        out[i][h * hs + e] += s[j] / sum * v[j][kvh * hs + e];
                    }
                }
            }
        }
        return out;
    }

    /**
     * theta^(-2j/hs), through rope_scaling's llama3 bands or longrope's factors (short up to
     * original_max_position_embeddings, long beyond) when the config has them.
     */
    private double[] inverseFrequencies(int seqLen) {
        int hs = c.rotaryDim(); // Phi3's dim = int(head_dim * partial_rotary_factor)
        double[] f = new double[hs / 2];
        for (int j = 0; j < f.length; j++) {
            f[j] = Math.pow(c.ropeTheta(), -2.0 * j / hs);
        }
        RopeScaling s = c.ropeScaling();
        if (s == null) {
            return f;
        }
        if (s.type() == RopeScaling.Type.LONGROPE) {
            List<Double> ext = seqLen > s.originalMaxPositionEmbeddings() ? s.longFactor() : s.shortFactor();
            for (int j = 0; j < f.length; j++) {
                f[j] /= ext.get(j);
            }
            return f;
        }
        if (s.type() != RopeScaling.Type.LLAMA3) {
            throw new UnsupportedOperationException("the naive decoder knows rope_scaling llama3 and longrope only");
        }
        double old = s.originalMaxPositionEmbeddings();
        double lowWavelen = old / s.lowFreqFactor();
        double highWavelen = old / s.highFreqFactor();
        for (int j = 0; j < f.length; j++) {
            double wavelen = 2 * Math.PI / f[j];
            if (wavelen > lowWavelen) {
                f[j] = f[j] / s.factor();
            } else if (wavelen >= highWavelen) {
                double smooth = (old / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                f[j] = (1 - smooth) * f[j] / s.factor() + smooth * f[j];
            }
        }
        return f;
    }

    /** longrope's attention factor on cos and sin: sqrt(1 + ln(max / original) / ln(original)); else 1. */
    private double ropeScale() {
        RopeScaling s = c.ropeScaling();
        if (s == null || s.type() != RopeScaling.Type.LONGROPE) {
            return 1;
        }
        double factor = c.maxPositionEmbeddings() / (double) s.originalMaxPositionEmbeddings();
        return Math.sqrt(1 + Math.log(factor) / Math.log(s.originalMaxPositionEmbeddings()));
    }

    /**
     * rotate_half convention: (x1, x2) -> (x1 cos - x2 sin, x2 cos + x1 sin), pairs j and j + r/2 over the
     * first r = 2 freq.length dimensions (Phi3's q_rot), the rest unchanged (q_pass); cos and sin times
     * {@code scale}.
     */
    private static double[] rope(double[] x, int pos, double[] freq, double scale) {
        int half = freq.length;
        double[] y = x.clone();
        for (int j = 0; j < half; j++) {
            double cos = Math.cos(pos * freq[j]) * scale;
            double sin = Math.sin(pos * freq[j]) * scale;
            y[j] = x[j] * cos - x[j + half] * sin;
            y[j + half] = x[j + half] * cos + x[j] * sin;
        }
        return y;
    }

    private double[] headNorm(double[] x, String weight) {
        return w.containsKey(weight) ? rms(new double[][] {x}, weight)[0] : x;
    }

    private double[][] rms(double[][] x, String weight) {
        float[] g = w.get(weight);
        boolean offset = c.arch().unitOffsetNorms();
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double ms = 0;
            for (double e : x[i]) {
                ms += e * e;
            }
            double inv = 1 / Math.sqrt(ms / x[i].length + c.rmsNormEps());
            y[i] = new double[x[i].length];
            for (int k = 0; k < x[i].length; k++) {
                y[i][k] = x[i][k] * inv * (offset ? 1 + g[k] : g[k]);
            }
        }
        return y;
    }

    /** x [T, in] W^T (+ b): module's weight [out, in] and optional bias [out]. */
    private double[][] linear(double[][] x, String module, int out, int in) {
        float[] wt = w.get(module + ".weight");
        float[] b = w.get(module + ".bias");
        if (wt.length != out * in) {
            throw new IllegalStateException(module + " has " + wt.length + " weights, expected " + out + " x " + in);
        }
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int k = 0; k < in; k++) {
                    s += x[i][k] * wt[o * in + k];
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    private static double[][] columns(double[][] x, int from, int width) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = slice(x[i], from, width);
        }
        return y;
    }

    private static double[] slice(double[] x, int from, int width) {
        double[] y = new double[width];
        System.arraycopy(x, from, y, 0, width);
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++) {
                y[i][k] = a[i][k] + b[i][k];
            }
        }
        return y;
    }
}

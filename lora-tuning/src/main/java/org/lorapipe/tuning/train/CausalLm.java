package org.lorapipe.tuning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import org.lorapipe.model.HeadLayout;
import org.lorapipe.model.LinearLayer;
import org.lorapipe.model.LinearModules;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.RmsNorm;
import org.lorapipe.model.RotaryEmbedding;
import org.lorapipe.tuning.lora.LoraLinear;

/**
 * The training view of a {@link LlamaModel}: the same forward pass, op for op (so logits equal the
 * model's own), exposed layer by layer so that backward can run layer-wise with recomputation, and
 * taking a full [B, 1, T, T] attention mask for packed sequences.
 *
 * <pre>
 *   x_0 = embed(ids)                                                    // [B, T, D]
 *   x_{l+1} = h + mlp(rms(h)),  h = x_l + attn(rms(x_l))                 // [B, T, D]
 *   logits = lm_head(rms(x_L))                                          // [B, T, V]
 *   loss = -sum_{counted (b,i)} log softmax(logits[b, i-1])[ids[b, i]] / N   (N: counted labels of the
 *          whole optimizer step, so accumulated micro-batches add up to the big-batch mean)
 * </pre>
 *
 * Backward, three ways ({@link Backward}): one recorded graph (dense LoRA, full fine-tuning); layer by
 * layer through {@link LayerTape}s, whose cuts keep frozen base projections out of the graph so an NF4
 * base is dequantized again in backward instead of being held in fp32 (QLoRA); or with gradient
 * checkpointing: the forward runs with recording off keeping only each layer's input x_l, the head and
 * loss are back-propagated to dL/dx_L, and from the last layer down each layer is recorded again from
 * x_l and back-propagated at once, so one layer's activations exist at a time. Dropout masks are keyed
 * per micro-batch (see {@link org.lorapipe.tuning.lora.Dropout}), so a recomputation sees the masks of
 * the first pass.
 */
public final class CausalLm implements AutoCloseable {

    /** Logits memory per loss chunk by default; see {@link #headLoss}. */
    static final long LOGITS_CHUNK_BYTES = 16L << 20;

    private final LlamaModel model;
    private final LlamaConfig c;
    private final LinearModules linears;
    private final NDArray embed; // [V, D]
    private final RmsNorm[] inputNorms;
    private final RmsNorm[] postNorms;
    private final RmsNorm[] qNorms; // Qwen3's per-head norms, else entries null
    private final RmsNorm[] kNorms;
    private final RmsNorm finalNorm;
    private final NDManager own;
    private final RotaryEmbedding rope;
    /** 1/sqrt(hs) as a tensor we own: see {@link #scalar}. */
    private final NDArray attnInvScale;

    private long logitsChunkBytes = LOGITS_CHUNK_BYTES;

    public CausalLm(LlamaModel model) {
        this.model = model;
        this.c = model.config();
        this.linears = model.linears();
        this.embed = model.weights().get("model.embed_tokens.weight");
        int layers = c.numHiddenLayers();
        this.inputNorms = new RmsNorm[layers];
        this.postNorms = new RmsNorm[layers];
        this.qNorms = new RmsNorm[layers];
        this.kNorms = new RmsNorm[layers];
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            inputNorms[i] = new RmsNorm(model.weights().get(p + "input_layernorm.weight"), c.rmsNormEps());
            postNorms[i] = new RmsNorm(model.weights().get(p + "post_attention_layernorm.weight"), c.rmsNormEps());
            if (c.qkNorm()) {
                qNorms[i] = new RmsNorm(model.weights().get(p + "self_attn.q_norm.weight"), c.rmsNormEps());
                kNorms[i] = new RmsNorm(model.weights().get(p + "self_attn.k_norm.weight"), c.rmsNormEps());
            }
        }
        this.finalNorm = new RmsNorm(model.weights().get("model.norm.weight"), c.rmsNormEps());
        this.own = model.manager().newSubManager();
        this.rope = new RotaryEmbedding(own, c);
        this.attnInvScale = scalar(own, 1.0 / Math.sqrt(c.headDim()));
    }

    public LlamaModel model() {
        return model;
    }

    /** Logits [B, T, V] with recording off, attached to the batch's manager. */
    public NDArray logits(MicroBatch batch) {
        NDManager out = batch.ids().getManager();
        try (NDManager step = out.newSubManager()) {
            NDArray logits = head(hidden(batch, step)); // [B, T, V]
            logits.attach(out);
            return logits;
        }
    }

    /** x_L [B, T, D] (before the final norm) with the current recording mode, in {@code step}. */
    private NDArray hidden(MicroBatch batch, NDManager step) {
        NDList cs = rope.cosSin(batch.positions()); // [B, 1, T, hs] x2
        cs.attach(step);
        NDArray x = embedding(batch.ids(), step);
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            x = layerInScope(l, x, cs, batch.mask(), step);
        }
        return x;
    }

    /** How backward is organised; all give the same gradients (a test pins them equal). */
    enum Backward {
        /** One recorded graph for the whole model: fastest, keeps what autograd keeps (every weight it read). */
        FULL_GRAPH,
        /** {@link LayerTape}s recorded in the forward pass: activations kept, base weights not. */
        TAPED,
        /** Gradient checkpointing: only layer inputs kept; each layer re-recorded just before its backward. */
        RECOMPUTED
    }

    /**
     * Forward + backward of one micro-batch; gradients accumulate into the trainable leaves. NF4 bases
     * always go through {@link LayerTape}s (a full graph would keep every dequantized weight).
     *
     * @param normalizer counted labels of the whole optimizer step (N above)
     * @param recompute gradient checkpointing (layer inputs kept, layers recomputed in backward)
     * @param embeddingTrainable also back-propagate into the token embedding (full fine-tuning)
     * @return this micro-batch's share of the step loss (sum of its counted NLL / N)
     */
    public double trainStep(MicroBatch batch, double normalizer, boolean recompute, boolean embeddingTrainable) {
        Backward how = recompute
                ? Backward.RECOMPUTED
                : ModelMemory.hasQuantizedLinears(model) ? Backward.TAPED : Backward.FULL_GRAPH;
        return trainStep(batch, normalizer, how, embeddingTrainable);
    }

    double trainStep(MicroBatch batch, double normalizer, Backward how, boolean embeddingTrainable) {
        try (NDManager step = batch.ids().getManager().newSubManager()) {
            NDList cs = rope.cosSin(batch.positions());
            cs.attach(step);
            if (how == Backward.FULL_GRAPH) {
                return fullGraph(batch, normalizer, cs, step);
            }
            if (how == Backward.TAPED && !LayerTape.canCut(linears.asMap().values())) {
                throw new IllegalStateException("taped backward needs frozen base projections (LoRA / QLoRA);"
                        + " train full weights with the full graph or with recomputation");
            }
            return layerwise(batch, normalizer, cs, step, how == Backward.RECOMPUTED, embeddingTrainable);
        }
    }

    private double fullGraph(MicroBatch batch, double normalizer, NDList cs, NDManager step) {
        try (Autograd.Recording r = Autograd.record()) {
            NDArray x = embedding(batch.ids(), step);
            for (int l = 0; l < c.numHiddenLayers(); l++) {
                x = layerInScope(l, x, cs, batch.mask(), step);
            }
            // cut before the head so that the loss runs in position chunks (see headLoss)
            try (NDArray h = x.stopGradient()) {
                h.setRequiresGradient(true);
                double value = headLoss(h, batch, normalizer, true);
                try (NDArray dh = h.getGradient()) {
                    Autograd.backward(x, dh);
                }
                return value;
            }
        }
    }

    /**
     * Backward layer by layer: through {@link LayerTape}s recorded in the forward pass and kept
     * ({@code recompute=false}: activations saved, base weights cut out of the graph), or, with
     * gradient checkpointing, through each whole layer recorded again from its saved input just before
     * its backward ({@code recompute=true}: one layer's activations and weights at a time).
     */
    private double layerwise(
            MicroBatch batch,
            double normalizer,
            NDList cs,
            NDManager step,
            boolean recompute,
            boolean embeddingTrainable) {
        int layers = c.numHiddenLayers();
        NDArray cos = cs.get(0);
        NDArray sin = cs.get(1);
        NDArray[] inputs = new NDArray[layers + 1]; // x_l [B, T, D], recording off
        LayerTape[] tapes = new LayerTape[layers];
        try {
            try (Autograd.Recording off = Autograd.pause()) {
                inputs[0] = embedding(batch.ids(), step);
                for (int l = 0; l < layers; l++) {
                    if (recompute) {
                        inputs[l + 1] = layerInScope(l, inputs[l], cs, batch.mask(), step);
                    } else {
                        tapes[l] = LayerTape.record(this, l, inputs[l], cos, sin, batch.mask(), true, step);
                        inputs[l + 1] = tapes[l].output();
                    }
                }
            }
            double value;
            NDArray upstream; // dL/dx_l [B, T, D]
            try (NDArray h = inputs[layers].stopGradient()) {
                h.setRequiresGradient(true);
                value = headLoss(h, batch, normalizer, true);
                upstream = h.getGradient();
                upstream.attach(step);
            }
            for (int l = layers - 1; l >= 0; l--) {
                if (tapes[l] == null) { // recomputation: the whole layer, its weights held only meanwhile
                    tapes[l] = LayerTape.record(this, l, inputs[l], cos, sin, batch.mask(), false, step);
                }
                NDArray next = tapes[l].backward(upstream, step);
                tapes[l].close();
                tapes[l] = null;
                inputs[l].close();
                upstream.close();
                upstream = next;
            }
            if (embeddingTrainable) {
                try (NDManager scope = step.newSubManager();
                        Autograd.Recording r = Autograd.record()) {
                    NDArray e = embedding(batch.ids(), scope);
                    Autograd.backward(e, upstream);
                }
            }
            upstream.close();
            return value;
        } finally {
            for (LayerTape tape : tapes) {
                if (tape != null) {
                    tape.close();
                }
            }
        }
    }

    /**
     * The head and the loss over position chunks (chunked cross-entropy): at most
     * {@link #LOGITS_CHUNK_BYTES} (16 MiB) of [B, chunk, V] logits exist at a time, with their log-softmax and
     * gradients, instead of [B, T, V] (for a 128k vocabulary, 4 x 2048 tokens of logits alone are 4 GiB).
     * Position i predicts targets[:, i]; the last position has no target. With {@code backward}, h
     * [B, T, D] must be a leaf: each chunk back-propagates its share of the loss and h's gradient
     * fills chunk by chunk (the rows are disjoint, so it equals the unchunked gradient). An adapted
     * lm_head with dropout draws an independent mask per chunk (keyed by its first position), so only
     * that dropout differs from a single chunk.
     *
     * @return this batch's counted NLL divided by {@code normalizer}, summed in double on the heap
     */
    private double headLoss(NDArray h, MicroBatch batch, double normalizer, boolean backward) {
        long b = h.getShape().get(0);
        long positions = h.getShape().get(1) - 1;
        long chunk = Math.max(1, logitsChunkBytes / (b * c.vocabSize() * 4L));
        float[] w = batch.weightValues(); // [B, T-1] row-major
        double sum = 0;
        for (long t0 = 0; t0 < positions; t0 += chunk) {
            long t1 = Math.min(positions, t0 + chunk);
            try (NDManager scope = h.getManager().newSubManager();
                    Autograd.Recording r = backward ? Autograd.record() : Autograd.pause()) {
                String rows = ":, " + t0 + ":" + t1;
                NDArray hc = h.get(new NDIndex(rows + ", :")); // [B, c, D]
                hc.attach(scope);
                NDArray targets = batch.targets().get(new NDIndex(rows)); // [B, c]
                targets.attach(scope);
                NDArray logp = head(hc, t0).logSoftmax(2); // [B, c, V]
                NDArray picked = logp.gather(targets.expandDims(2), 2).squeeze(2); // [B, c]
                if (backward) {
                    NDArray weights = batch.weights().get(new NDIndex(rows)); // [B, c]
                    weights.attach(scope);
                    NDArray factor = scalar(scope, -1.0 / normalizer); // alive until backward is done
                    Autograd.backward(picked.mul(weights).sum().mul(factor));
                }
                float[] lp = picked.toFloatArray();
                int width = (int) (t1 - t0);
                for (int i = 0; i < lp.length; i++) {
                    long at = (i / width) * positions + t0 + (i % width);
                    if (w[(int) at] != 0) {
                        sum += lp[i];
                    }
                }
            }
        }
        return -sum / normalizer;
    }

    /** Chunks the loss at {@code bytes} of logits (tests use tiny chunks to compare with one chunk). */
    void logitsChunkBytes(long bytes) {
        this.logitsChunkBytes = bytes;
    }

    /** Sum of counted NLL (not normalised) with recording off. */
    public double nllSum(MicroBatch batch) {
        try (NDManager step = batch.ids().getManager().newSubManager();
                Autograd.Recording off = Autograd.pause()) {
            return headLoss(hidden(batch, step), batch, 1.0, false);
        }
    }

    /**
     * A scalar tensor in {@code m}. Never use the {@code op(Number)} overloads on a recorded path: DJL
     * creates the scalar over a Java direct buffer (torch from_blob, no copy) and closes it right away;
     * autograd keeps the tensor for backward (mul, div), and once the buffer is collected the gradient
     * reads freed memory (seen here as inf/NaN gradients after a GC).
     */
    static NDArray scalar(NDManager m, double v) {
        return m.create((float) v);
    }

    private NDArray embedding(NDArray ids, NDManager scope) {
        NDArray idx = ids.toType(DataType.INT64, true);
        idx.attach(scope);
        NDArray x = Embedding.embedding(idx, embed, SparseFormat.DENSE).singletonOrThrow(); // [B, T, D]
        x.attach(scope);
        return x;
    }

    private NDArray head(NDArray x) {
        return head(x, 0);
    }

    /** lm_head(rms(x)); {@code piece} numbers loss chunks so an adapted head draws a dropout mask per chunk. */
    private NDArray head(NDArray x, long piece) {
        LinearLayer lmHead = linears.get("lm_head");
        NDArray n = finalNorm.forward(x); // [B, T, D]
        return lmHead instanceof LoraLinear lora ? lora.forward(n, piece) : lmHead.forward(n); // [B, T, V]
    }

    private NDArray layerInScope(int l, NDArray x, NDList cs, NDArray mask, NDManager keep) {
        try (NDManager scope = keep.newSubManager()) {
            x.tempAttach(scope);
            NDArray y = layer(l, x, cs.get(0), cs.get(1), mask); // [B, T, D]
            y.attach(keep);
            return y;
        }
    }

    /** One decoder block, op for op as the model's DecoderLayer / Attention / FeedForward. */
    NDArray layer(int l, NDArray x, NDArray cos, NDArray sin, NDArray mask) {
        String p = "model.layers." + l + ".";
        NDArray u = inputNorms[l].forward(x); // [B, T, D]
        NDArray q = linear(p + "self_attn.q_proj").forward(u); // [B, T, nh*hs]
        NDArray k = linear(p + "self_attn.k_proj").forward(u); // [B, T, nkv*hs]
        NDArray v = linear(p + "self_attn.v_proj").forward(u); // [B, T, nkv*hs]
        NDArray a = attend(l, q, k, v, cos, sin, mask); // [B, T, nh*hs]
        NDArray h = x.add(linear(p + "self_attn.o_proj").forward(a)); // [B, T, D]
        NDArray n = postNorms[l].forward(h); // [B, T, D]
        NDArray act = swiglu(
                linear(p + "mlp.gate_proj").forward(n),
                linear(p + "mlp.up_proj").forward(n));
        return h.add(linear(p + "mlp.down_proj").forward(act)); // [B, T, D]
    }

    /** silu(g) * up: [B, T, H] x2 -> [B, T, H]. */
    static NDArray swiglu(NDArray g, NDArray up) {
        return g.mul(Activation.sigmoid(g)).mul(up);
    }

    /**
     * Layer {@code l}'s per-head norms (Qwen3), rotary positions, grouped-query causal attention and the
     * merge of heads, from the projections
     * q [B, T, nh*hs], k and v [B, T, nkv*hs] to [B, T, nh*hs] (the input of o_proj).
     */
    NDArray attend(int l, NDArray q, NDArray k, NDArray v, NDArray cos, NDArray sin, NDArray mask) {
        long b = q.getShape().get(0);
        long t = q.getShape().get(1);
        int nh = c.numAttentionHeads();
        int nkv = c.numKeyValueHeads();
        int hs = c.headDim();
        int rep = c.groupSize();
        NDArray qh = HeadLayout.split(q, b, t, nh, hs, qNorms[l]); // [B,nh,T,hs]
        NDArray kh = HeadLayout.split(k, b, t, nkv, hs, kNorms[l]); // [B,nkv,T,hs]
        NDArray vh = v.reshape(b, t, nkv, hs).transpose(0, 2, 1, 3); // [B,nkv,T,hs]
        // 1/sqrt(hs) on q [.., T, hs] rather than on the scores [.., T, T]: T/hs times fewer elements to
        // scale, forward and backward (HF applies its `scaling` to the scores; equal up to rounding)
        qh = rope.apply(qh, cos, sin).mul(attnInvScale);
        kh = rope.apply(kh, cos, sin);
        NDArray qg = qh.reshape(b, nkv, rep * t, hs); // [B, nkv, rep*T, hs]
        NDArray kt = HeadLayout.keysTransposed(kh); // [B, nkv, hs, T] (packed for narrow heads, see HeadLayout)
        vh = HeadLayout.values(vh); // [B, nkv, T, hs]
        NDArray att = qg.matMul(kt).reshape(b, nh, t, t); // [B, nh, T, T]
        att = att.add(mask).softmax(-1); // [B, nh, T, T]
        NDArray y = att.reshape(b, nkv, rep * t, t).matMul(vh); // [B, nkv, rep*T, hs]
        return y.reshape(b, nh, t, hs).transpose(0, 2, 1, 3).reshape(b, t, (long) nh * hs); // [B, T, nh*hs]
    }

    LinearLayer linear(String name) {
        return linears.get(name);
    }

    RmsNorm inputNorm(int l) {
        return inputNorms[l];
    }

    RmsNorm postNorm(int l) {
        return postNorms[l];
    }

    @Override
    public void close() {
        own.close();
    }
}

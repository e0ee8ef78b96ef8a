package org.lorapipe.tuning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import org.lorapipe.model.LinearModules;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.RmsNorm;
import org.lorapipe.model.RotaryEmbedding;

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
 * Backward (QLoRA memory pattern, STACK.md): run the forward with recording off keeping only each
 * layer's input x_l; record the head and loss, back-propagate to get dL/dx_L; then from the last layer
 * down, recompute layer l from x_l under recording (dequantizing NF4 weights inside), back-propagate
 * the upstream gradient and take dL/dx_l. At most one layer's graph and one layer's dequantized weights
 * exist at a time. With {@code recompute=false} the whole graph is recorded at once (faster, more
 * memory). Dropout masks are keyed per micro-batch (see {@link org.lorapipe.tuning.lora.Dropout}), so the
 * recomputation sees the masks of the first pass.
 */
public final class CausalLm implements AutoCloseable {

    private final LlamaModel model;
    private final LlamaConfig c;
    private final LinearModules linears;
    private final NDArray embed; // [V, D]
    private final RmsNorm[] inputNorms;
    private final RmsNorm[] postNorms;
    private final RmsNorm finalNorm;
    private final NDManager own;
    private final RotaryEmbedding rope;
    /** sqrt(hs) as a tensor we own: see {@link #scalar}. */
    private final NDArray attnScale;

    public CausalLm(LlamaModel model) {
        this.model = model;
        this.c = model.config();
        this.linears = model.linears();
        this.embed = model.weights().get("model.embed_tokens.weight");
        int layers = c.numHiddenLayers();
        this.inputNorms = new RmsNorm[layers];
        this.postNorms = new RmsNorm[layers];
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            inputNorms[i] = new RmsNorm(model.weights().get(p + "input_layernorm.weight"), c.rmsNormEps());
            postNorms[i] = new RmsNorm(model.weights().get(p + "post_attention_layernorm.weight"), c.rmsNormEps());
        }
        this.finalNorm = new RmsNorm(model.weights().get("model.norm.weight"), c.rmsNormEps());
        this.own = model.manager().newSubManager();
        this.rope = new RotaryEmbedding(own, c.headDim(), c.ropeTheta());
        this.attnScale = scalar(own, (float) Math.sqrt(c.headDim()));
    }

    public LlamaModel model() {
        return model;
    }

    /** Logits [B, T, V] with recording off, attached to the batch's manager. */
    public NDArray logits(MicroBatch batch) {
        NDManager out = batch.ids().getManager();
        try (NDManager step = out.newSubManager()) {
            NDList cs = rope.cosSin(batch.positions()); // [B, 1, T, hs] x2
            cs.attach(step);
            NDArray x = embedding(batch.ids(), step);
            for (int l = 0; l < c.numHiddenLayers(); l++) {
                x = layerInScope(l, x, cs, batch.mask(), step);
            }
            NDArray logits = head(x); // [B, T, V]
            logits.attach(out);
            return logits;
        }
    }

    /**
     * Forward + backward of one micro-batch; gradients accumulate into the trainable leaves.
     *
     * @param normalizer counted labels of the whole optimizer step (N above)
     * @param embeddingTrainable also back-propagate into the token embedding (full fine-tuning)
     * @return this micro-batch's share of the step loss (sum of its counted NLL / N)
     */
    public double trainStep(MicroBatch batch, double normalizer, boolean recompute, boolean embeddingTrainable) {
        try (NDManager step = batch.ids().getManager().newSubManager()) {
            NDList cs = rope.cosSin(batch.positions());
            cs.attach(step);
            return recompute
                    ? layerwise(batch, normalizer, cs, step, embeddingTrainable)
                    : fullGraph(batch, normalizer, cs, step);
        }
    }

    private double fullGraph(MicroBatch batch, double normalizer, NDList cs, NDManager step) {
        try (Autograd.Recording r = Autograd.record()) {
            NDArray x = embedding(batch.ids(), step);
            for (int l = 0; l < c.numHiddenLayers(); l++) {
                x = layerInScope(l, x, cs, batch.mask(), step);
            }
            NDArray logits = head(x);
            NDArray[] loss = loss(logits, batch, normalizer);
            Autograd.backward(loss[0]);
            return value(loss[1], batch, normalizer);
        }
    }

    private double layerwise(
            MicroBatch batch, double normalizer, NDList cs, NDManager step, boolean embeddingTrainable) {
        int layers = c.numHiddenLayers();
        NDArray[] inputs = new NDArray[layers + 1];
        boolean wasRecording = ai.djl.pytorch.jni.JniUtils.isGradMode();
        Autograd.off();
        try {
            inputs[0] = embedding(batch.ids(), step);
            for (int l = 0; l < layers; l++) {
                inputs[l + 1] = layerInScope(l, inputs[l], cs, batch.mask(), step);
            }
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(wasRecording);
        }
        double value;
        NDArray upstream;
        try (NDManager scope = step.newSubManager();
                Autograd.Recording r = Autograd.record()) {
            NDArray h = inputs[layers];
            h.setRequiresGradient(true);
            NDArray logits = head(h);
            logits.attach(scope);
            NDArray[] loss = loss(logits, batch, normalizer);
            loss[0].attach(scope);
            loss[1].attach(scope);
            Autograd.backward(loss[0]);
            value = value(loss[1], batch, normalizer);
            upstream = Autograd.gradientCopy(h);
            upstream.attach(step);
            h.close();
        }
        for (int l = layers - 1; l >= 0; l--) {
            try (NDManager scope = step.newSubManager();
                    Autograd.Recording r = Autograd.record()) {
                NDArray x = inputs[l];
                x.attach(scope); // consumed here: its temporaries and itself close with the scope
                x.setRequiresGradient(true);
                NDArray y = layer(l, x, cs.get(0), cs.get(1), batch.mask()); // [B, T, D]
                y.attach(scope);
                Autograd.backward(y, upstream);
                NDArray next = Autograd.gradientCopy(x);
                next.attach(step);
                upstream.close();
                upstream = next;
            }
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
    }

    /** {loss scalar to back-propagate, per-label log-probabilities [B, T-1]}. */
    private NDArray[] loss(NDArray logits, MicroBatch batch, double normalizer) {
        long t = logits.getShape().get(1);
        NDArray shifted = logits.get(new NDIndex(":, :" + (t - 1) + ", :")); // [B, T-1, V]
        NDArray logp = shifted.logSoftmax(2); // [B, T-1, V]
        NDArray picked = logp.gather(batch.targets().expandDims(2), 2).squeeze(2); // [B, T-1]
        NDArray factor = scalar(batch.weights().getManager(), -1.0 / normalizer); // lives until the batch closes
        NDArray loss = picked.mul(batch.weights()).sum().mul(factor); // []
        return new NDArray[] {loss, picked};
    }

    /** The loss value summed in double on the heap (exact for accumulation comparisons). */
    private static double value(NDArray picked, MicroBatch batch, double normalizer) {
        float[] lp = picked.toFloatArray();
        float[] w = batch.weightValues();
        double sum = 0;
        for (int i = 0; i < lp.length; i++) {
            if (w[i] != 0) {
                sum += lp[i];
            }
        }
        return -sum / normalizer;
    }

    /** Sum of counted NLL (not normalised) with recording off. */
    public double nllSum(MicroBatch batch) {
        try (NDManager step = batch.ids().getManager().newSubManager()) {
            NDArray logits = logits(batch);
            logits.attach(step);
            NDArray[] loss = loss(logits, batch, 1.0);
            loss[0].attach(step);
            loss[1].attach(step);
            return value(loss[1], batch, 1.0);
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
        return linears.get("lm_head").forward(finalNorm.forward(x)); // [B, T, V]
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
        NDArray h = x.add(attention(p + "self_attn.", inputNorms[l].forward(x), cos, sin, mask)); // [B, T, D]
        NDArray u = postNorms[l].forward(h); // [B, T, D]
        NDArray g = linears.get(p + "mlp.gate_proj").forward(u); // [B, T, H]
        NDArray up = linears.get(p + "mlp.up_proj").forward(u); // [B, T, H]
        NDArray act = g.mul(Activation.sigmoid(g)).mul(up); // [B, T, H]
        return h.add(linears.get(p + "mlp.down_proj").forward(act)); // [B, T, D]
    }

    private NDArray attention(String p, NDArray x, NDArray cos, NDArray sin, NDArray mask) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int nh = c.numAttentionHeads();
        int nkv = c.numKeyValueHeads();
        int hs = c.headDim();
        int rep = c.groupSize();
        NDArray qh = linears.get(p + "q_proj").forward(x).reshape(b, t, nh, hs).transpose(0, 2, 1, 3); // [B,nh,T,hs]
        NDArray kh = linears.get(p + "k_proj").forward(x).reshape(b, t, nkv, hs).transpose(0, 2, 1, 3); // [B,nkv,T,hs]
        NDArray vh = linears.get(p + "v_proj").forward(x).reshape(b, t, nkv, hs).transpose(0, 2, 1, 3); // [B,nkv,T,hs]
        qh = rope.apply(qh, cos, sin);
        kh = rope.apply(kh, cos, sin);
        NDArray qg = qh.reshape(b, nkv, rep * t, hs); // [B, nkv, rep*T, hs]
        NDArray kt = kh.transpose(0, 1, 3, 2); // [B, nkv, hs, T]
        NDArray att = qg.matMul(kt).div(attnScale).reshape(b, nh, t, t); // [B, nh, T, T]
        att = att.add(mask).softmax(-1); // [B, nh, T, T]
        NDArray y = att.reshape(b, nkv, rep * t, t).matMul(vh); // [B, nkv, rep*T, hs]
        y = y.reshape(b, nh, t, hs).transpose(0, 2, 1, 3).reshape(b, t, (long) nh * hs); // [B, T, nh*hs]
        return linears.get(p + "o_proj").forward(y); // [B, T, D]
    }

    @Override
    public void close() {
        own.close();
    }
}

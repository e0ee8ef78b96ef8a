package org.lorapipe.tuning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import org.lorapipe.model.DecoderLayer;
import org.lorapipe.model.LayerContext;
import org.lorapipe.model.LayerOps;
import org.lorapipe.model.LinearModules;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.tuning.lora.LoraLinear;

/**
 * Training on a {@link LlamaModel}: its own forward (embedding, {@link DecoderLayer}s, head), run layer
 * by layer so that backward can be organised three ways, with the full [B, 1, T, T] attention masks
 * of packed sequences.
 *
 * <pre>
 *   x_0 = embed(ids)                                                    // [B, T, D]
 *   x_{l+1} = layer_l(x_l)                                              // [B, T, D]
 *   logits = head(x_L)                                                  // [B, T, V]
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
    public static final long LOGITS_CHUNK_BYTES = 16L << 20;

    private final LlamaModel model;
    private final LlamaConfig c;
    private final LinearModules linears;
    private final List<DecoderLayer> layers;

    private long logitsChunkBytes = LOGITS_CHUNK_BYTES;

    public CausalLm(LlamaModel model) {
        this.model = model;
        this.c = model.config();
        this.linears = model.linears();
        this.layers = model.layers();
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
        LayerContext ctx = context(batch, step);
        NDArray x = model.embed(batch.ids(), step);
        for (DecoderLayer layer : layers) {
            x = LlamaModel.layerInScope(layer, x, ctx, model.directOps(), step);
        }
        return x;
    }

    /** The batch's rotary tables (in {@code step}) and masks. */
    private LayerContext context(MicroBatch batch, NDManager step) {
        LayerContext ctx = model.context(batch.positions(), batch.mask(), batch.windowMask(), null);
        ctx.cos().attach(step);
        ctx.sin().attach(step);
        return ctx;
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
            LayerContext ctx = context(batch, step);
            if (how == Backward.FULL_GRAPH) {
                return fullGraph(batch, normalizer, ctx, step);
            }
            if (how == Backward.TAPED && !LayerTape.canCut(linears.asMap().values())) {
                throw new IllegalStateException("taped backward needs frozen base projections (LoRA / QLoRA);"
                        + " train full weights with the full graph or with recomputation");
            }
            return layerwise(batch, normalizer, ctx, step, how == Backward.RECOMPUTED, embeddingTrainable);
        }
    }

    private double fullGraph(MicroBatch batch, double normalizer, LayerContext ctx, NDManager step) {
        try (Autograd.Recording r = Autograd.record()) {
            NDArray x = model.embed(batch.ids(), step);
            for (DecoderLayer layer : layers) {
                x = LlamaModel.layerInScope(layer, x, ctx, model.directOps(), step);
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
            LayerContext ctx,
            NDManager step,
            boolean recompute,
            boolean embeddingTrainable) {
        int count = layers.size();
        NDArray[] inputs = new NDArray[count + 1]; // x_l [B, T, D], recording off
        LayerTape[] tapes = new LayerTape[count];
        try {
            try (Autograd.Recording off = Autograd.pause()) {
                inputs[0] = model.embed(batch.ids(), step);
                for (int l = 0; l < count; l++) {
                    if (recompute) {
                        inputs[l + 1] = LlamaModel.layerInScope(layers.get(l), inputs[l], ctx, model.directOps(), step);
                    } else {
                        tapes[l] = LayerTape.record(model, layers.get(l), inputs[l], ctx, true, step);
                        inputs[l + 1] = tapes[l].output();
                    }
                }
            }
            double value;
            NDArray upstream; // dL/dx_l [B, T, D]
            try (NDArray h = inputs[count].stopGradient()) {
                h.setRequiresGradient(true);
                value = headLoss(h, batch, normalizer, true);
                upstream = h.getGradient();
                upstream.attach(step);
            }
            for (int l = count - 1; l >= 0; l--) {
                if (tapes[l] == null) { // recomputation: the whole layer, its weights held only meanwhile
                    tapes[l] = LayerTape.record(model, layers.get(l), inputs[l], ctx, false, step);
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
                    NDArray e = model.embed(batch.ids(), scope);
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
        long chunk = chunkPositions(logitsChunkBytes, b, c.vocabSize());
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

    /** Positions per loss chunk: as many as keep [B, chunk, V] fp32 logits within {@code chunkBytes}, at least 1. */
    public static long chunkPositions(long chunkBytes, long batch, int vocab) {
        return Math.max(1, chunkBytes / (batch * vocab * 4L));
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

    private NDArray head(NDArray x) {
        return head(x, 0);
    }

    /**
     * The model's head on x [..., D]; {@code piece} numbers loss chunks so that an adapted lm_head draws a
     * dropout mask per chunk.
     */
    private NDArray head(NDArray x, long piece) {
        LayerOps ops = (name, in, output) -> linears.get(name) instanceof LoraLinear lora
                ? lora.forward(in, piece)
                : linears.get(name).forward(in);
        return model.logits(x, ops); // [..., V]
    }

    @Override
    public void close() {
        // nothing of its own: the model owns every weight and constant the forward reads
    }
}

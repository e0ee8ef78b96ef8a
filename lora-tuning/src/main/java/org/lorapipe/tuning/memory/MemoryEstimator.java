package org.lorapipe.tuning.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.model.LinearShape;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.tuning.lora.LoraPlan;
import org.lorapipe.tuning.lora.LoraTarget;
import org.lorapipe.tuning.nf4.Nf4Tensor;
import org.lorapipe.tuning.nf4.QuantizedModels;
import org.lorapipe.tuning.train.CausalLm;

/**
 * Predicts the peak resident memory of a training run on this engine (CPU, fp32 compute) from the
 * model's config and the run's settings, before anything is loaded. Tensors are counted as the code
 * holds them ({@link LayerMemory} per layer, the loss chunk of {@link CausalLm}, the optimizers'
 * temporaries); what the process adds around them is four calibrated constants, measured on this
 * machine kind on 2026-11-30 with {@code mallinfo2} and {@code /proc/self/status} beside
 * {@code lora bench training} (stories260K and the ~100M model, seven configurations each):
 *
 * <ul>
 *   <li>{@link #DEFAULT_BASELINE}, 184 MiB: RSS of a process with the engine started and nothing
 *       loaded (181-187 MiB over 16 fresh processes; Java 17, DJL 0.36 with libtorch 2.7.1 CPU). The trainer uses
 *       its own RSS at job start instead.
 *   <li>{@link #RUNTIME_GROWTH}, 20 MiB: RSS outside the C heap (RSS minus malloc's arenas) grows while
 *       training by 18 MiB (~100M, 5 steps) to 24 MiB (stories260K, 43 steps): Java heap and JIT code.
 *   <li>The C heap keeps freed memory: its free top up to {@code MALLOC_TRIM_THRESHOLD_} (256 MiB under
 *       native-memory.env), never more than a step allocates and frees; measured
 *       229-320 MiB (100M), 45-85 MiB (stories260K).
 *   <li>{@link #FRAGMENTATION}, 0.15: free holes beyond that, per byte of the step's transient memory
 *       (fit on the ~100M runs: 0.07-0.2), when every step has the same shape.
 *   <li>{@link #RAGGED_FRAGMENTATION}, 0.45: the same when micro-batches differ in length from step to
 *       step ({@link RunShape#ragged()}, the trainer on unpacked data): a step's tensors no longer fit
 *       exactly into the holes the step before left. Fit on the trainer-service's runs of the article
 *       sweeps (stories260K, story task and Alpaca, 48 runs): growth beyond the fixed-shape estimate
 *       0.33 x the step's transient memory at the median.
 * </ul>
 *
 * What the tensors come to was checked against malloc's bytes in use at the peak (within 7% on every
 * configuration without checkpointing). Not modelled: the CUDA device (this is host memory), and the
 * checkpoint snapshot (between steps, the trainable parameters and optimizer state copied to the heap).
 */
public final class MemoryEstimator {

    /** RSS of this runtime with the engine started and nothing loaded (see the class comment). */
    public static final long DEFAULT_BASELINE = 184L << 20;

    /** Java heap and JIT code gained while training. */
    static final long RUNTIME_GROWTH = 20L << 20;

    /** Free heap holes per byte of the step's transient memory. */
    static final double FRAGMENTATION = 0.15;

    /** Free heap holes per byte of the step's transient memory when step shapes vary. */
    static final double RAGGED_FRAGMENTATION = 0.45;

    /** The Java heap's share of a QLoRA load: fp32 copies of the weights on their way to NF4 (measured 270 MiB). */
    static final long QUANTIZATION_HEAP = 256L << 20;

    /** glibc's trim threshold when the environment does not set it: its dynamic maximum, 2 x 32 MiB. */
    static final long GLIBC_TRIM_THRESHOLD = 64L << 20;

    private static final int FP32 = 4;

    private final long baseline;
    private final long trimThreshold;

    /** The calibrated baseline and this process's trim threshold. */
    public MemoryEstimator() {
        this(DEFAULT_BASELINE, trimThreshold(System.getenv("MALLOC_TRIM_THRESHOLD_")));
    }

    /**
     * @param baseline the process before the model is loaded (the trainer passes its RSS at job start)
     * @param trimThreshold free heap top the C allocator keeps ({@code MALLOC_TRIM_THRESHOLD_})
     */
    public MemoryEstimator(long baseline, long trimThreshold) {
        this.baseline = baseline;
        this.trimThreshold = trimThreshold;
    }

    /** This estimator with another baseline. */
    public MemoryEstimator withBaseline(long bytes) {
        return new MemoryEstimator(bytes, trimThreshold);
    }

    /** {@code MALLOC_TRIM_THRESHOLD_} as glibc reads it, or its default when unset or unreadable. */
    static long trimThreshold(String env) {
        try {
            return env == null || env.isBlank() ? GLIBC_TRIM_THRESHOLD : Long.parseLong(env.strip());
        } catch (NumberFormatException e) {
            return GLIBC_TRIM_THRESHOLD;
        }
    }

    /**
     * The estimate of {@code shape}.
     *
     * @throws IllegalArgumentException when the LoRA settings do not fit the model (unknown targets, a
     *     rank above a module's width), with every problem
     */
    public MemoryEstimate estimate(RunShape shape) {
        LlamaConfig c = shape.config();
        List<LoraTarget> targets = shape.fullFineTuning()
                ? List.of()
                : LoraPlan.resolve(shape.lora(), LlamaModel.linearShapes(c)).targets();
        BackwardPlan plan = BackwardPlan.of(shape);
        long trainable = shape.fullFineTuning()
                ? c.parameterCount()
                : targets.stream().mapToLong(LoraTarget::parameters).sum();
        long b = shape.microBatch();
        long t = shape.sequenceLength();
        long tokens = b * t;
        boolean dropout = !shape.fullFineTuning() && shape.lora().dropout() > 0;

        double kept = 0; // elements per token, every layer
        double keptFullGraph = 0;
        double inFlight = 0; // one layer, the largest
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            LayerMemory layer = new LayerMemory(c, (int) t, dropout, layerTargets(targets, l));
            double saved = layer.saved(plan);
            kept += saved;
            keptFullGraph += layer.saved(BackwardPlan.FULL_GRAPH);
            inFlight = Math.max(
                    inFlight,
                    plan == BackwardPlan.RECOMPUTED
                            ? Math.max(layer.forward(), saved + layer.backward())
                            : Math.max(layer.forward() - saved, layer.backward()));
        }
        long masks = masks(shape);
        long activations = plan == BackwardPlan.RECOMPUTED
                ? tokens * (c.numHiddenLayers() + 1L) * c.hiddenSize() * FP32 + masks // each layer's input x_l
                : Math.round(tokens * (kept + c.hiddenSize()) * FP32) + masks; // and the last layer's output
        long workspace = Math.round(tokens * inFlight * FP32) + dequantization(shape, plan);
        long logits = logits(shape, targets);
        // what a step allocates and frees whatever the plan: at least every layer's kept tensors once
        long churn = Math.round(tokens * (Math.max(kept, keptFullGraph) + c.hiddenSize()) * FP32) + logits;
        long inStep = activations + Math.max(logits, workspace);
        long allocator = Math.min(trimThreshold, churn)
                + Math.round((shape.ragged() ? RAGGED_FRAGMENTATION : FRAGMENTATION) * inStep);
        long optimizerKinds = optimizerStates(shape);
        return new MemoryEstimate(
                shape,
                plan,
                trainable,
                baseline,
                RUNTIME_GROWTH,
                weightBytes(c, shape.nf4() ? shape.quantization() : null),
                shape.fullFineTuning() ? 0 : trainable * FP32, // full fine-tuning trains the weights themselves
                trainable * FP32,
                optimizerKinds * trainable * FP32,
                dataset(shape),
                activations,
                logits,
                workspace,
                allocator,
                optimizerTemporaries(shape) * trainable * FP32,
                loadStaging(c, shape.nf4() ? shape.quantization() : null));
    }

    /** The adapted modules of layer {@code l}. */
    private static List<LoraTarget> layerTargets(List<LoraTarget> targets, int l) {
        String prefix = "model.layers." + l + ".";
        List<LoraTarget> out = new ArrayList<>();
        for (LoraTarget t : targets) {
            if (t.module().startsWith(prefix)) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * The base weights as {@code QuantizedModels} holds them: the decoder projections in NF4 when
     * {@code nf4} is given, everything else (embeddings, norms, lm_head) fp32; a tied head is the
     * embedding, counted once. Equals {@code ModelMemory.weightBytes} of the loaded model.
     */
    public static long weightBytes(LlamaConfig c, QuantizationSpec nf4) {
        long total = 0;
        for (Map.Entry<String, long[]> e : LlamaModel.expectedTensors(c).entrySet()) {
            long n = elements(e.getValue());
            total += nf4 != null && QuantizedModels.isQuantized(e.getKey())
                    ? Nf4Tensor.bytes(n, nf4.blockSize(), nf4.doubleQuant())
                    : n * FP32;
        }
        return total;
    }

    /**
     * The loss over one chunk of positions ({@link CausalLm#chunkPositions}): logits [B, c, V], their
     * log-softmax, and in backward the gradients of both; Gemma 2's final soft-capping adds three
     * [B, c, V] tensors, an adapted lm_head two (its delta and the sum), full fine-tuning the head
     * weight's gradient [V, D] of the chunk before it is added to the embedding's.
     */
    private static long logits(RunShape shape, List<LoraTarget> targets) {
        LlamaConfig c = shape.config();
        long b = shape.microBatch();
        long chunk = Math.min(
                shape.sequenceLength() - 1L, CausalLm.chunkPositions(CausalLm.LOGITS_CHUNK_BYTES, b, c.vocabSize()));
        long row = b * chunk; // [B, c]
        boolean head = targets.stream().anyMatch(t -> t.module().equals("lm_head"));
        long copies = 4 + (c.finalLogitSoftcapping() > 0 ? 3 : 0) + (head ? 2 : 0);
        long elements = row * c.vocabSize() * copies;
        if (shape.fullFineTuning()) {
            elements += (long) c.vocabSize() * c.hiddenSize();
        }
        return elements * FP32;
    }

    /** The additive attention masks [1|B, 1, T, T]: one per batch unless packed, a second for sliding windows. */
    private static long masks(RunShape shape) {
        LlamaConfig c = shape.config();
        long t = shape.sequenceLength();
        long count = (c.hasGlobalLayers() ? 1 : 0) + (c.hasWindowedLayers() ? 1 : 0);
        return (shape.packed() ? shape.microBatch() : 1L) * t * t * count * FP32;
    }

    /**
     * NF4 weights dequantized while a layer is in flight: each projection's dequantization makes the
     * fp32 weight (4 bytes per element) and its int32 code indices (2 bytes per element) at once; with
     * checkpointing the recorded layer keeps all its dequantized weights until its backward.
     */
    private static long dequantization(RunShape shape, BackwardPlan plan) {
        if (!shape.nf4()) {
            return 0;
        }
        long largest = 0;
        long layer = 0;
        for (Map.Entry<String, LinearShape> e :
                LlamaModel.linearShapes(shape.config()).entrySet()) {
            if (e.getKey().startsWith("model.layers.0.")) {
                largest = Math.max(largest, e.getValue().weightElements());
                layer += e.getValue().weightElements();
            }
        }
        return plan == BackwardPlan.RECOMPUTED ? layer * FP32 + largest * 2 : largest * 6;
    }

    /** Optimizer state buffers per parameter: AdamW's two moments, SGD's momentum (none without momentum). */
    private static long optimizerStates(RunShape shape) {
        if (shape.training().optimizer() == OptimizerType.SGD) {
            return shape.training().momentum() == 0 ? 0 : 1;
        }
        return 2;
    }

    /**
     * The optimizer step's temporaries per parameter, all held until the step ends: AdamW the gradient's
     * copy, (1 - b1) g, g^2, sqrt(v) and the update; SGD the copy and lr d, with weight decay also wd p
     * and d = g + wd p.
     */
    private static long optimizerTemporaries(RunShape shape) {
        if (shape.training().optimizer() == OptimizerType.SGD) {
            return shape.training().weightDecay() != 0 ? 4 : 2;
        }
        return 5;
    }

    /** Token ids (int) and loss masks (boolean) of every sequence, with three arrays' headers each. */
    private static long dataset(RunShape shape) {
        return shape.datasetTokens() * 5 + shape.datasetSequences() * 3 * 16;
    }

    /**
     * What a load holds besides the weights. An fp32 load streams each tensor in small chunks (nothing
     * to count); a QLoRA load reads each projection in fp32 and copies it to the Java heap to quantize it
     * (the largest one twice at a time), and the heap keeps those copies until it is collected after the
     * load.
     */
    private static long loadStaging(LlamaConfig c, QuantizationSpec nf4) {
        if (nf4 == null) {
            return 0;
        }
        long largest = 0;
        long quantized = 0;
        for (Map.Entry<String, long[]> e : LlamaModel.expectedTensors(c).entrySet()) {
            if (QuantizedModels.isQuantized(e.getKey())) {
                long n = elements(e.getValue());
                largest = Math.max(largest, n);
                quantized += n;
            }
        }
        return 2 * largest * FP32 + Math.min(QUANTIZATION_HEAP, quantized * FP32);
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }
}

package org.lorapipe.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.lorapipe.model.io.DType;
import org.lorapipe.model.io.Llama2cCheckpoint;
import org.lorapipe.model.io.NDArrayTensorSource;
import org.lorapipe.model.io.SafetensorsCheckpoint;
import org.lorapipe.model.io.TensorSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Llama-family decoder on DJL's PyTorch engine, fp32, for every {@link Architecture}:
 *
 * <pre>
 *   x = embed(ids)  (* sqrt(D) for Gemma)             // [B, T, D]
 *   for each layer: x = layer(x)                     // [B, T, D], see DecoderLayer
 *   logits = lm_head(rms(x))  (Gemma 2: c * tanh(logits / c))   // [B, T, V]
 * </pre>
 *
 * Weights live in one NDManager under their Hugging Face names; every forward runs in a sub-manager
 * that is closed before returning, only the logits survive (attached to the input ids' manager).
 * Linear projections are looked up in {@link #linears()} on every call, so LoRA wrappers can replace
 * them by module name. The pieces of the forward ({@link #embed}, {@link #layers()}, {@link #logits})
 * are public so that a trainer runs this same forward, organising backward its own way.
 */
public final class LlamaModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LlamaModel.class);

    private final LlamaConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> weights;
    private final LinearModules linears = new LinearModules();
    private final NDArray embed; // [V, D]
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final RmsNorm norm;
    private final RotaryEmbedding rope;
    private final LayerOps direct;
    private final NDArray embeddingScale; // [] sqrt(D) for Gemma, else null
    private final NDArray logitCap; // [] Gemma 2's final soft-capping, else null

    private LlamaModel(LlamaConfig config, NDManager manager, Map<String, NDArray> weights) {
        this.config = config;
        this.manager = manager;
        this.weights = Collections.unmodifiableMap(weights);
        this.embed = weights.get("model.embed_tokens.weight");
        this.rope = new RotaryEmbedding(manager, config);
        Architecture arch = config.arch();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            for (String m : projections(arch)) {
                String name = p + m;
                linears.register(name, new Linear(weights.get(name + ".weight"), weights.get(name + ".bias")));
            }
            layers.add(new DecoderLayer(
                    i,
                    norm(p + "input_layernorm"),
                    new Attention(
                            config,
                            i,
                            rope,
                            config.qkNorm() ? norm(p + "self_attn.q_norm") : null,
                            config.qkNorm() ? norm(p + "self_attn.k_norm") : null,
                            manager),
                    arch.sandwichNorms() ? norm(p + "post_attention_layernorm") : null,
                    norm(p + (arch.sandwichNorms() ? "pre_feedforward_layernorm" : "post_attention_layernorm")),
                    new FeedForward(config, i, manager),
                    arch.sandwichNorms() ? norm(p + "post_feedforward_layernorm") : null));
        }
        this.norm = norm("model.norm");
        NDArray head = config.tieWordEmbeddings() ? embed : weights.get("lm_head.weight");
        linears.register("lm_head", new Linear(head, null));
        this.direct = LayerOps.direct(linears);
        // Gemma2Model: embeddings * hidden_size**0.5 in the activations' dtype (fp32 here)
        this.embeddingScale = arch.scaledEmbedding() ? manager.create((float) Math.sqrt(config.hiddenSize())) : null;
        this.logitCap =
                config.finalLogitSoftcapping() > 0 ? manager.create((float) config.finalLogitSoftcapping()) : null;
    }

    private RmsNorm norm(String module) {
        return new RmsNorm(
                weights.get(module + ".weight"),
                config.rmsNormEps(),
                config.arch().unitOffsetNorms());
    }

    /** The linear modules of one layer, relative to {@code model.layers.N.}. */
    private static List<String> projections(Architecture arch) {
        List<String> names = new ArrayList<>();
        arch.attentionInputs().forEach(m -> names.add("self_attn." + m));
        names.add("self_attn.o_proj");
        arch.feedForwardInputs().forEach(m -> names.add("mlp." + m));
        names.add("mlp.down_proj");
        return names;
    }

    /**
     * The linear modules a model of {@code config} registers, with their shapes, in the order of
     * {@link #linears()}, without loading anything: what a LoRA plan resolves against and what a memory
     * estimate counts before a run.
     */
    public static Map<String, LinearShape> linearShapes(LlamaConfig config) {
        Map<String, long[]> tensors = expectedTensors(config);
        Map<String, LinearShape> out = new LinkedHashMap<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            for (String m : projections(config.arch())) {
                String name = "model.layers." + i + "." + m;
                long[] w = tensors.get(name + ".weight"); // [out, in]
                out.put(name, new LinearShape((int) w[1], (int) w[0]));
            }
        }
        out.put("lm_head", new LinearShape(config.hiddenSize(), config.vocabSize()));
        return Collections.unmodifiableMap(out);
    }

    /** Loads a Hugging Face model directory (config.json + safetensors) on the default device. */
    public static LlamaModel load(Path dir) {
        return load(dir, DjlRuntime.defaultDevice());
    }

    public static LlamaModel load(Path dir, Device device) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException("model directory not found: " + dir);
        }
        LlamaConfig config = LlamaConfig.read(dir.resolve("config.json"));
        try (SafetensorsCheckpoint weights = SafetensorsCheckpoint.open(dir)) {
            return create(config, weights, device);
        }
    }

    /** Loads a llama2.c legacy .bin (converted to the HF rotate-half convention on the fly). */
    public static LlamaModel fromLlama2c(Path bin, Device device) {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(bin)) {
            return create(ckpt.config(), ckpt, device);
        }
    }

    /** Expected tensors and shapes for {@code config}, in Hugging Face order. */
    public static Map<String, long[]> expectedTensors(LlamaConfig c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long d = c.hiddenSize();
        long ff = c.intermediateSize();
        Architecture arch = c.arch();
        m.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            m.put(p + "input_layernorm.weight", new long[] {d});
            if (arch.fusedProjections()) { // Phi-3
                m.put(p + "self_attn.qkv_proj.weight", new long[] {c.qDim() + 2L * c.kvDim(), d});
                m.put(p + "self_attn.o_proj.weight", new long[] {d, c.qDim()});
                m.put(p + "post_attention_layernorm.weight", new long[] {d});
                m.put(p + "mlp.gate_up_proj.weight", new long[] {2 * ff, d});
                m.put(p + "mlp.down_proj.weight", new long[] {d, ff});
                continue;
            }
            m.put(p + "self_attn.q_proj.weight", new long[] {c.qDim(), d});
            m.put(p + "self_attn.k_proj.weight", new long[] {c.kvDim(), d});
            m.put(p + "self_attn.v_proj.weight", new long[] {c.kvDim(), d});
            m.put(p + "self_attn.o_proj.weight", new long[] {d, c.qDim()});
            if (c.qkNorm()) {
                m.put(p + "self_attn.q_norm.weight", new long[] {c.headDim()});
                m.put(p + "self_attn.k_norm.weight", new long[] {c.headDim()});
            }
            if (c.hasQkvBias()) {
                m.put(p + "self_attn.q_proj.bias", new long[] {c.qDim()});
                m.put(p + "self_attn.k_proj.bias", new long[] {c.kvDim()});
                m.put(p + "self_attn.v_proj.bias", new long[] {c.kvDim()});
            }
            if (c.hasOBias()) {
                m.put(p + "self_attn.o_proj.bias", new long[] {d});
            }
            m.put(p + "post_attention_layernorm.weight", new long[] {d});
            if (arch.sandwichNorms()) { // Gemma 2
                m.put(p + "pre_feedforward_layernorm.weight", new long[] {d});
                m.put(p + "post_feedforward_layernorm.weight", new long[] {d});
            }
            m.put(p + "mlp.gate_proj.weight", new long[] {c.intermediateSize(), d});
            m.put(p + "mlp.up_proj.weight", new long[] {c.intermediateSize(), d});
            m.put(p + "mlp.down_proj.weight", new long[] {d, c.intermediateSize()});
            if (c.mlpBias()) {
                m.put(p + "mlp.gate_proj.bias", new long[] {c.intermediateSize()});
                m.put(p + "mlp.up_proj.bias", new long[] {c.intermediateSize()});
                m.put(p + "mlp.down_proj.bias", new long[] {d});
            }
        }
        m.put("model.norm.weight", new long[] {d});
        if (!c.tieWordEmbeddings()) {
            m.put("lm_head.weight", new long[] {c.vocabSize(), d});
        }
        return m;
    }

    /** Missing tensors and shape mismatches against {@code config} (at most 12 listed), empty when fine. */
    public static List<String> weightProblems(LlamaConfig config, TensorSource source) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expectedTensors(config).entrySet()) {
            if (!source.contains(e.getKey())) {
                problems.add("missing tensor '" + e.getKey() + "' " + Arrays.toString(e.getValue()));
            } else if (!Arrays.equals(source.info(e.getKey()).shape(), e.getValue())) {
                problems.add("tensor '" + e.getKey() + "' has shape "
                        + source.info(e.getKey()).shapeString() + ", config.json implies "
                        + Arrays.toString(e.getValue()));
            }
        }
        if (problems.size() > 12) {
            int n = problems.size();
            problems = new ArrayList<>(problems.subList(0, 12));
            problems.add("... (" + n + " problems in all)");
        }
        return problems;
    }

    /**
     * Builds a model from any tensor source, checking every expected tensor's presence and shape first
     * (all problems reported at once), then loading them one at a time.
     */
    public static LlamaModel create(LlamaConfig config, TensorSource source, Device device) {
        Map<String, long[]> expected = expectedTensors(config);
        List<String> problems = weightProblems(config, source);
        if (!problems.isEmpty()) {
            throw new ModelFormatException(
                    "weights do not match the " + config.architecture() + " config: " + String.join("; ", problems));
        }
        Set<String> extra = new TreeSet<>(source.names());
        extra.removeAll(expected.keySet());
        extra.removeIf(n -> n.endsWith("rotary_emb.inv_freq") || n.equals("lm_head.weight"));
        if (!extra.isEmpty()) {
            LOG.warn(
                    "ignoring {} unexpected tensor(s): {}",
                    extra.size(),
                    extra.stream().limit(8).toList());
        }
        NDManager manager = DjlRuntime.newManager(device);
        try {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (String name : expected.keySet()) {
                NDArray a = source.load(name, manager); // fp32
                a.setName(name);
                DType stored = source.info(name).dtype();
                boolean projection = WeightPrecision.isProjection(name); // a tied lm_head is the embedding: fp32
                weights.put(name, WeightPrecision.keep(a, stored, WeightPrecision.storage(device, stored, projection)));
            }
            NativeHeap.trim(); // the tensors were staged through buffers that are free now
            return new LlamaModel(config, manager, weights);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A model with random weights (normal, std 0.02; norms 1), for tests and benchmarks.
     */
    public static LlamaModel random(LlamaConfig config, long seed, Device device) {
        Engine engine = DjlRuntime.engine();
        engine.setRandomSeed((int) seed);
        NDManager manager = engine.newBaseManager(device);
        try {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : expectedTensors(config).entrySet()) {
                Shape shape = new Shape(e.getValue());
                NDArray a = e.getKey().endsWith("norm.weight")
                        ? manager.ones(shape)
                        : manager.randomNormal(0f, 0.02f, shape, DataType.FLOAT32);
                a.setName(e.getKey());
                weights.put(e.getKey(), a);
            }
            return new LlamaModel(config, manager, weights);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Logits for every position.
     *
     * @param inputIds [B, T] integer token ids, on the model's device
     * @param attentionMask [B, past + T], 1 for real tokens and 0 for padding, or null (no padding)
     * @param cache KV cache to read and extend, or null
     * @return [B, T, V] fp32, attached to {@code inputIds}' manager
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        return run(inputIds, attentionMask, cache, x -> x);
    }

    /** Like {@link #forward} but only the last position's logits: [B, V] (skips the head elsewhere). */
    public NDArray forwardLast(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        return run(inputIds, attentionMask, cache, x -> x.get(new NDIndex(":, -1, :"))); // [B, D]
    }

    /**
     * Like {@link #forward} but logits only where they are needed: {@code rows} [K] int64 indexes the
     * flattened positions (b * T + t). The head and anything downstream (a log-softmax over the
     * vocabulary) then cost K rows instead of B * T: scoring a short continuation after a long context
     * reads a few rows of each sequence.
     *
     * @return [K, V] fp32, attached to {@code inputIds}' manager
     */
    public NDArray forwardRows(NDArray inputIds, NDArray attentionMask, NDArray rows) {
        return run(inputIds, attentionMask, null, x -> x.reshape(-1, config.hiddenSize())
                .get(new NDIndex("{}", rows))); // [K, D]
    }

    private NDArray run(NDArray inputIds, NDArray attentionMask, KvCache cache, UnaryOperator<NDArray> select) {
        Shape s = inputIds.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("input ids must be [B, T], got " + s);
        }
        long b = s.get(0);
        long t = s.get(1);
        int past = cache == null ? 0 : cache.length();
        if (past + t > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence of " + (past + t) + " tokens exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings());
        }
        if (cache != null && past > 0 && !rope.keepsCachedKeys(past, past + (int) t)) {
            // the rotary frequencies change at this length (longrope): the cached keys are stale, so the
            // whole sequence runs again into a fresh cache, and the caller still gets its T positions
            NDArray step = inputIds.toType(DataType.INT64, true);
            NDArray all = cache.ids().concat(step, 1); // [B, past + T]
            all.attach(inputIds.getManager());
            step.close();
            cache.clear();
            return run(all, attentionMask, cache, x -> select.apply(x.get(new NDIndex(":, -" + t + ":, :"))));
        }
        NDManager out = inputIds.getManager();
        try (NDManager step = out.newSubManager()) {
            NDArray x = embed(inputIds, step); // [B, T, D]
            AttentionMask global =
                    config.hasGlobalLayers() ? AttentionMask.build(step, b, t, past, attentionMask, 0) : null;
            AttentionMask local = config.hasWindowedLayers()
                    ? AttentionMask.build(step, b, t, past, attentionMask, config.slidingWindow())
                    : null;
            NDArray positions = (global != null ? global : local).positions(); // [B, T]
            LayerContext ctx = context(
                    positions,
                    global == null ? null : global.additive(),
                    local == null ? null : local.additive(),
                    cache);
            for (DecoderLayer layer : layers) {
                x = layerInScope(layer, x, ctx, direct, step); // [B, T, D]
            }
            if (cache != null) {
                cache.advance(inputIds);
            }
            NDArray logits = logits(select.apply(x), direct); // [B, T, V], or the selected positions
            logits.attach(out);
            return logits;
        }
    }

    /**
     * Token embeddings of {@code ids} [B, T] (any integer type): [B, T, D] in {@code scope}, scaled by
     * sqrt(D) for Gemma.
     */
    public NDArray embed(NDArray ids, NDManager scope) {
        NDArray idx = ids.toType(DataType.INT64, true);
        idx.attach(scope);
        NDArray x = Embedding.embedding(idx, embed, SparseFormat.DENSE).singletonOrThrow(); // [B, T, D]
        if (embeddingScale != null) {
            x = x.mul(embeddingScale);
        }
        x.attach(scope);
        return x;
    }

    /**
     * What every layer of a step reads: rotary cos and sin at {@code positions} [B, T] (float32, in
     * positions' manager) and the masks, see {@link LayerContext}.
     */
    public LayerContext context(NDArray positions, NDArray mask, NDArray windowMask, KvCache cache) {
        NDList cs = rope.cosSin(positions); // [B, 1, T, hs] x2
        return new LayerContext(cs.get(0), cs.get(1), mask, windowMask, cache);
    }

    /**
     * One layer on {@code x} [B, T, D], its temporaries in their own scope closed once the output is kept
     * in {@code keep}: peak memory is one layer's activations (autograd keeps what backward needs itself).
     */
    public static NDArray layerInScope(DecoderLayer layer, NDArray x, LayerContext ctx, LayerOps ops, NDManager keep) {
        try (NDManager scope = keep.newSubManager()) {
            x.tempAttach(scope);
            NDArray y = layer.forward(x, ctx, ops); // [B, T, D]
            y.attach(keep);
            return y;
        }
    }

    /**
     * The head on the last hidden states: lm_head(rms(x)), soft-capped for Gemma 2.
     *
     * @param x [..., D] the last layer's output
     * @param ops how lm_head is applied (a trainer keys its adapter's dropout per loss chunk)
     * @return [..., V]
     */
    public NDArray logits(NDArray x, LayerOps ops) {
        NDArray n = norm.forward(x); // [..., D]
        NDArray logits = ops.project("lm_head", n, LayerOps.Output.READ); // [..., V]
        if (logitCap != null) {
            logits = logits.div(logitCap).tanh().mul(logitCap); // Gemma2ForCausalLM's final soft-capping
        }
        return logits;
    }

    /** The decoder layers, in order. */
    public List<DecoderLayer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** Every projection as currently registered in {@link #linears()}, no cuts. */
    public LayerOps directOps() {
        return direct;
    }

    /** A new, empty KV cache for this model (close it when done). */
    public KvCache newCache() {
        return new KvCache(manager, config.numHiddenLayers());
    }

    public LlamaConfig config() {
        return config;
    }

    /** The linear projections by HF module name; replace entries to add adapters. */
    public LinearModules linears() {
        return linears;
    }

    /** The loaded base weights under HF names (lm_head absent when tied). Not copies: do not close. */
    public Map<String, NDArray> weights() {
        return weights;
    }

    /** The base weights as a tensor source, e.g. for {@link org.lorapipe.model.io.HfModelExporter}. */
    public TensorSource asTensorSource() {
        return new NDArrayTensorSource(weights);
    }

    /** The manager owning the weights (its device is the compute device). */
    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    @Override
    public void close() {
        manager.close();
    }
}

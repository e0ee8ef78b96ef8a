package org.lorapipe.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration of a Llama-family decoder, read from a Hugging Face {@code config.json} of one of
 * the {@link Architecture}s (Llama, Mistral, Qwen2, Qwen3, Gemma 2, Phi-3), immutable.
 *
 * @param architecture HF class name, one of {@link #SUPPORTED_ARCHITECTURES}
 * @param hiddenSize model width D
 * @param intermediateSize SwiGLU hidden width
 * @param numHiddenLayers number of decoder layers L
 * @param numAttentionHeads query heads nh
 * @param numKeyValueHeads key/value heads nkv (grouped-query attention when nkv < nh)
 * @param headDim per-head width hs (usually D / nh)
 * @param rmsNormEps epsilon of every RMSNorm
 * @param ropeTheta base of the rotary frequencies
 * @param vocabSize V
 * @param tieWordEmbeddings the output projection reuses the token embedding
 * @param maxPositionEmbeddings longest sequence the model was trained for
 * @param bosTokenId beginning-of-sequence id
 * @param eosTokenId end-of-sequence id
 * @param attentionBias q/k/v/o projections carry a bias (Llama {@code attention_bias})
 * @param qkvBias q/k/v carry a bias but o does not (Qwen2)
 * @param mlpBias gate/up/down carry a bias (Llama {@code mlp_bias})
 * @param torchDtype storage dtype recorded in config.json ("float32", "bfloat16", ...)
 * @param ropeScaling config.json's {@code rope_scaling} (llama3, linear, dynamic, yarn, longrope), or null for
 *     plain RoPE
 * @param slidingWindow {@code sliding_window}: a query of a windowed layer (see {@link Architecture#windowedLayers})
 *     sees itself and the W - 1 keys before it; 0 for full causal attention everywhere
 * @param hiddenAct the feed-forward's activation: {@code silu} or {@code gelu_pytorch_tanh} (Gemma 2)
 * @param attnLogitSoftcapping Gemma 2: attention scores become c * tanh(scores / c); 0 for none
 * @param finalLogitSoftcapping Gemma 2: logits become c * tanh(logits / c); 0 for none
 * @param queryPreAttnScalar attention scores are scaled by this^-0.5 (Gemma 2's {@code query_pre_attn_scalar});
 *     every other architecture uses head_dim
 * @param partialRotaryFactor the fraction of each head the rotary embedding turns (Phi-4 mini: 0.75); the
 *     rest passes through unrotated
 */
public record LlamaConfig(
        String architecture,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        int vocabSize,
        boolean tieWordEmbeddings,
        int maxPositionEmbeddings,
        int bosTokenId,
        int eosTokenId,
        boolean attentionBias,
        boolean qkvBias,
        boolean mlpBias,
        String torchDtype,
        RopeScaling ropeScaling,
        int slidingWindow,
        String hiddenAct,
        double attnLogitSoftcapping,
        double finalLogitSoftcapping,
        double queryPreAttnScalar,
        double partialRotaryFactor) {

    public static final String LLAMA = Architecture.LLAMA.className();
    public static final String QWEN2 = Architecture.QWEN2.className();
    public static final String MISTRAL = Architecture.MISTRAL.className();
    public static final String QWEN3 = Architecture.QWEN3.className();
    public static final String GEMMA2 = Architecture.GEMMA2.className();
    public static final String PHI3 = Architecture.PHI3.className();
    public static final List<String> SUPPORTED_ARCHITECTURES = Architecture.classNames();
    /** Feed-forward activations: transformers' ACT2FN names. */
    public static final List<String> SUPPORTED_ACTIVATIONS = List.of("silu", "gelu_pytorch_tanh");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public LlamaConfig {
        List<String> problems = new ArrayList<>();
        if (!SUPPORTED_ARCHITECTURES.contains(architecture)) {
            problems.add("architecture " + architecture + " is not supported (supported: "
                    + String.join(", ", SUPPORTED_ARCHITECTURES) + ")");
        }
        positive(problems, "hidden_size", hiddenSize);
        positive(problems, "intermediate_size", intermediateSize);
        positive(problems, "num_hidden_layers", numHiddenLayers);
        positive(problems, "num_attention_heads", numAttentionHeads);
        positive(problems, "num_key_value_heads", numKeyValueHeads);
        positive(problems, "head_dim", headDim);
        positive(problems, "vocab_size", vocabSize);
        positive(problems, "max_position_embeddings", maxPositionEmbeddings);
        if (slidingWindow < 0) {
            problems.add("sliding_window must be > 0 or null, got " + slidingWindow);
        }
        Architecture arch = Architecture.byClassName(architecture);
        if (slidingWindow > 0 && arch != null && arch.windowedLayers() == Architecture.WindowedLayers.NONE) {
            problems.add("sliding_window is not part of " + architecture + " (it is for "
                    + Architecture.ALL.stream()
                            .filter(a -> a.windowedLayers() != Architecture.WindowedLayers.NONE)
                            .map(Architecture::className)
                            .toList()
                    + ")");
        }
        if (!SUPPORTED_ACTIVATIONS.contains(hiddenAct)) {
            problems.add("hidden_act " + hiddenAct + " is not supported (supported: "
                    + String.join(", ", SUPPORTED_ACTIVATIONS) + ")");
        }
        if (!(attnLogitSoftcapping >= 0) || !(finalLogitSoftcapping >= 0)) {
            problems.add("attn_logit_softcapping and final_logit_softcapping must be > 0 or null, got "
                    + attnLogitSoftcapping + " and " + finalLogitSoftcapping);
        }
        if (!(partialRotaryFactor > 0 && partialRotaryFactor <= 1)) {
            problems.add("partial_rotary_factor must be in (0, 1], got " + partialRotaryFactor);
        } else if (partialRotaryFactor != 1 && arch != Architecture.PHI3) {
            problems.add("partial_rotary_factor is only read by " + PHI3 + ", not " + architecture);
        } else if (headDim > 0
                && (rotaryDims(headDim, partialRotaryFactor) <= 0
                        || rotaryDims(headDim, partialRotaryFactor) % 2 != 0)) {
            problems.add("head_dim " + headDim + " x partial_rotary_factor " + partialRotaryFactor
                    + " must be a positive even number of rotated dimensions");
        }
        if (!(queryPreAttnScalar > 0)) {
            problems.add("query_pre_attn_scalar must be > 0, got " + queryPreAttnScalar);
        }
        if (numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads != 0) {
            problems.add("num_attention_heads " + numAttentionHeads + " is not a multiple of num_key_value_heads "
                    + numKeyValueHeads);
        }
        if (headDim % 2 != 0) {
            problems.add("head_dim " + headDim + " must be even for rotary embeddings");
        }
        if (!(rmsNormEps > 0)) {
            problems.add("rms_norm_eps must be > 0, got " + rmsNormEps);
        }
        if (!(ropeTheta > 0)) {
            problems.add("rope_theta must be > 0, got " + ropeTheta);
        }
        if (!problems.isEmpty()) {
            throw new ModelFormatException("invalid model config: " + String.join("; ", problems));
        }
    }

    private static void positive(List<String> problems, String field, int v) {
        if (v <= 0) {
            problems.add(field + " must be > 0, got " + v);
        }
    }

    /** A plain Llama config with the usual defaults (eps 1e-5, theta 10000, bos 1, eos 2, fp32). */
    public static LlamaConfig llama(
            int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int maxPos, boolean tied) {
        return new LlamaConfig(
                LLAMA,
                dim,
                hidden,
                layers,
                heads,
                kvHeads,
                dim / heads,
                1e-5,
                10000.0,
                vocab,
                tied,
                maxPos,
                1,
                2,
                false,
                false,
                false,
                "float32",
                null,
                0,
                "silu",
                0,
                0,
                dim / heads,
                1.0);
    }

    /** Dimensions of each head the rotary embedding turns: head_dim x partial_rotary_factor. */
    public int rotaryDim() {
        return rotaryDims(headDim, partialRotaryFactor);
    }

    /** int(head_dim * partial_rotary_factor), as transformers computes the rotated width. */
    private static int rotaryDims(int headDim, double partialRotaryFactor) {
        return (int) (headDim * partialRotaryFactor);
    }

    /** Query heads per key/value head. */
    public int groupSize() {
        return numAttentionHeads / numKeyValueHeads;
    }

    public int kvDim() {
        return numKeyValueHeads * headDim;
    }

    public int qDim() {
        return numAttentionHeads * headDim;
    }

    /**
     * Qwen3: an RMSNorm over each head of q and of k (weights {@code self_attn.q_norm.weight} and
     * {@code k_norm.weight}, [head_dim]) before the rotary embedding, as transformers' Qwen3Attention.
     */
    public boolean qkNorm() {
        return arch().qkNorm();
    }

    /** What this architecture does differently from Llama. */
    public Architecture arch() {
        return Architecture.byClassName(architecture);
    }

    /** Whether layer {@code l} attends through the sliding window (never when the config has none). */
    public boolean windowed(int l) {
        return slidingWindow > 0 && arch().windowedLayers().windowed(l);
    }

    /** Some layer attends through the sliding window. */
    public boolean hasWindowedLayers() {
        return slidingWindow > 0 && arch().windowedLayers() != Architecture.WindowedLayers.NONE;
    }

    /** Some layer attends to every earlier key. */
    public boolean hasGlobalLayers() {
        return !hasWindowedLayers() || arch().windowedLayers() != Architecture.WindowedLayers.ALL;
    }

    public boolean hasQkvBias() {
        return attentionBias || qkvBias;
    }

    public boolean hasOBias() {
        return attentionBias;
    }

    /** Number of parameters (tied embedding counted once). */
    public long parameterCount() {
        long d = hiddenSize;
        long attn = d * qDim() + 2 * d * kvDim() + (long) qDim() * d;
        if (hasQkvBias()) {
            attn += qDim() + 2L * kvDim();
        }
        if (hasOBias()) {
            attn += d;
        }
        long mlp = 3 * d * intermediateSize + (mlpBias ? 2L * intermediateSize + d : 0);
        long perLayer = attn + mlp + (arch().sandwichNorms() ? 4 : 2) * d + (qkNorm() ? 2L * headDim : 0);
        long embed = (long) vocabSize * d;
        return embed + numHiddenLayers * perLayer + d + (tieWordEmbeddings ? 0 : embed);
    }

    public LlamaConfig withTorchDtype(String dtype) {
        return new LlamaConfig(
                architecture,
                hiddenSize,
                intermediateSize,
                numHiddenLayers,
                numAttentionHeads,
                numKeyValueHeads,
                headDim,
                rmsNormEps,
                ropeTheta,
                vocabSize,
                tieWordEmbeddings,
                maxPositionEmbeddings,
                bosTokenId,
                eosTokenId,
                attentionBias,
                qkvBias,
                mlpBias,
                dtype,
                ropeScaling,
                slidingWindow,
                hiddenAct,
                attnLogitSoftcapping,
                finalLogitSoftcapping,
                queryPreAttnScalar,
                partialRotaryFactor);
    }

    /** Reads {@code config.json}; every missing or invalid field is reported at once. */
    public static LlamaConfig read(Path configJson) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(configJson));
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("config.json not found: " + configJson
                    + " (a model directory needs config.json, model.safetensors and tokenizer.json)");
        } catch (IOException e) {
            throw new ModelFormatException(configJson + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(configJson + " is not a JSON object");
        }
        return fromJson(root, configJson.toString());
    }

    /** Parses a config.json tree; {@code where} names it in errors. */
    public static LlamaConfig fromJson(JsonNode root, String where) {
        String arch = architectureOf(root);
        if (!SUPPORTED_ARCHITECTURES.contains(arch)) {
            throw new ModelFormatException(where + ": architecture " + arch + " is not supported (supported: "
                    + String.join(", ", SUPPORTED_ARCHITECTURES) + ")");
        }
        List<String> missing = new ArrayList<>();
        int hidden = requiredInt(root, "hidden_size", missing);
        int inter = requiredInt(root, "intermediate_size", missing);
        int layers = requiredInt(root, "num_hidden_layers", missing);
        int heads = requiredInt(root, "num_attention_heads", missing);
        int vocab = requiredInt(root, "vocab_size", missing);
        if (!missing.isEmpty()) {
            throw new ModelFormatException(where + ": missing or non-integer required field(s) "
                    + String.join(", ", missing) + " (a " + arch + " config.json needs hidden_size, intermediate_size,"
                    + " num_hidden_layers, num_attention_heads and vocab_size)");
        }
        int headDim = root.hasNonNull("head_dim") ? root.get("head_dim").asInt() : (heads > 0 ? hidden / heads : 0);
        double rotaryFraction = root.path("partial_rotary_factor").asDouble(1.0);
        int maxPositions = root.path("max_position_embeddings").asInt(2048);
        List<String> scalingProblems = new ArrayList<>();
        RopeScaling scaling = RopeScaling.parse(
                root.get("rope_scaling"), root, rotaryDims(headDim, rotaryFraction), maxPositions, scalingProblems);
        if (!scalingProblems.isEmpty()) {
            throw new ModelFormatException(where + ": " + String.join("; ", scalingProblems));
        }
        Architecture a = Architecture.byClassName(arch);
        // Gemma 2 names its activation hidden_activation (hidden_act is a deprecated alias there)
        String act = root.hasNonNull("hidden_activation")
                ? root.get("hidden_activation").asText()
                : root.path("hidden_act").asText("silu");
        if (!SUPPORTED_ACTIVATIONS.contains(act)) {
            throw new ModelFormatException(where + ": hidden_act " + act + " is not supported (supported: "
                    + String.join(", ", SUPPORTED_ACTIVATIONS) + ")");
        }
        int kv = root.path("num_key_value_heads").asInt(heads);
        boolean qwen = a.qkvBias();
        int window = a.windowedLayers() == Architecture.WindowedLayers.NONE
                ? 0
                : slidingWindowOf(root.get("sliding_window"), where);
        if (a == Architecture.GEMMA2) {
            checkGemmaLayerTypes(root.get("layer_types"), layers, where);
        }
        return new LlamaConfig(
                arch,
                hidden,
                inter,
                layers,
                heads,
                kv,
                headDim,
                root.path("rms_norm_eps").asDouble(1e-6),
                root.path("rope_theta").asDouble(10000.0),
                vocab,
                root.path("tie_word_embeddings").asBoolean(a == Architecture.GEMMA2), // Gemma2Config ties by default
                maxPositions,
                firstInt(root.get("bos_token_id"), 1),
                firstInt(root.get("eos_token_id"), 2),
                root.path("attention_bias").asBoolean(false),
                qwen,
                root.path("mlp_bias").asBoolean(false),
                root.path("torch_dtype").asText("float32"),
                scaling,
                window,
                act,
                // absent fields take Gemma2Config's defaults (50, 30, 256); null switches capping off
                softCap(root, "attn_logit_softcapping", a == Architecture.GEMMA2 ? 50.0 : 0, where),
                softCap(root, "final_logit_softcapping", a == Architecture.GEMMA2 ? 30.0 : 0, where),
                root.hasNonNull("query_pre_attn_scalar")
                        ? root.get("query_pre_attn_scalar").asDouble()
                        : (a == Architecture.GEMMA2 ? 256.0 : headDim),
                rotaryFraction);
    }

    /** A soft-capping value: absent is {@code dflt}, null is none (0), otherwise a positive number. */
    private static double softCap(JsonNode root, String field, double dflt, String where) {
        JsonNode n = root.get(field);
        if (n == null) {
            return dflt;
        }
        if (n.isNull()) {
            return 0;
        }
        if (!n.isNumber() || !(n.asDouble() > 0)) {
            throw new ModelFormatException(where + ": " + field + " must be a positive number or null, got " + n);
        }
        return n.asDouble();
    }

    /**
     * Gemma 2's {@code layer_types} (newer transformers write it out): it must say what the architecture
     * computes, sliding attention on even layers and full attention on odd ones.
     */
    private static void checkGemmaLayerTypes(JsonNode types, int layers, String where) {
        if (types == null || types.isNull()) {
            return;
        }
        boolean ok = types.isArray() && types.size() == layers;
        for (int i = 0; ok && i < layers; i++) {
            String want = i % 2 == 0 ? "sliding_attention" : "full_attention";
            ok = want.equals(types.get(i).asText());
        }
        if (!ok) {
            throw new ModelFormatException(where + ": layer_types must alternate sliding_attention (even layers)"
                    + " and full_attention (odd layers) for " + GEMMA2 + ", as Gemma 2 was trained");
        }
    }

    /** Mistral's sliding_window: null (full attention) or a positive integer. */
    private static int slidingWindowOf(JsonNode n, String where) {
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() <= 0) {
            throw new ModelFormatException(where + ": sliding_window must be a positive integer or null, got " + n);
        }
        return n.asInt();
    }

    /** The first entry of "architectures", or a name derived from "model_type". */
    public static String architectureOf(JsonNode root) {
        JsonNode archs = root.get("architectures");
        if (archs != null && archs.isArray() && !archs.isEmpty()) {
            return archs.get(0).asText();
        }
        String type = root.path("model_type").asText("");
        String known = Architecture.classNameOfModelType(type);
        if (known != null) {
            return known;
        }
        return type.isEmpty() ? "(none: config.json has neither architectures nor model_type)" : type;
    }

    private static int requiredInt(JsonNode root, String field, List<String> missing) {
        JsonNode n = root.get(field);
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
            missing.add(field);
            return 0;
        }
        return n.asInt();
    }

    private static int firstInt(JsonNode n, int dflt) {
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (n.isArray()) {
            return n.isEmpty() ? dflt : n.get(0).asInt(dflt);
        }
        return n.asInt(dflt);
    }

    /** The Hugging Face config.json for this architecture. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add(architecture);
        n.put("model_type", arch().modelType());
        n.put("hidden_size", hiddenSize);
        n.put("intermediate_size", intermediateSize);
        n.put("num_hidden_layers", numHiddenLayers);
        n.put("num_attention_heads", numAttentionHeads);
        n.put("num_key_value_heads", numKeyValueHeads);
        n.put("head_dim", headDim);
        n.put("hidden_act", hiddenAct);
        if (partialRotaryFactor != 1.0) {
            n.put("partial_rotary_factor", partialRotaryFactor);
        }
        if (arch() == Architecture.GEMMA2) {
            n.put("hidden_activation", hiddenAct);
            n.put("query_pre_attn_scalar", queryPreAttnScalar);
            putCap(n, "attn_logit_softcapping", attnLogitSoftcapping);
            putCap(n, "final_logit_softcapping", finalLogitSoftcapping);
        }
        n.put("rms_norm_eps", rmsNormEps);
        n.put("rope_theta", ropeTheta);
        if (arch().windowedLayers() != Architecture.WindowedLayers.NONE) {
            if (slidingWindow > 0) {
                n.put("sliding_window", slidingWindow);
            } else {
                n.putNull("sliding_window");
            }
        }
        if (ropeScaling == null) {
            n.putNull("rope_scaling");
        } else {
            ropeScaling.write(n.putObject("rope_scaling"));
        }
        if (ropeScaling != null && ropeScaling.type() == RopeScaling.Type.LONGROPE) {
            n.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings()); // Phi-3's place
        }
        n.put("vocab_size", vocabSize);
        n.put("tie_word_embeddings", tieWordEmbeddings);
        n.put("max_position_embeddings", maxPositionEmbeddings);
        n.put("bos_token_id", bosTokenId);
        n.put("eos_token_id", eosTokenId);
        if (!architecture.equals(QWEN2)) {
            n.put("attention_bias", attentionBias);
            n.put("mlp_bias", mlpBias);
        }
        n.put("attention_dropout", 0.0);
        n.put("initializer_range", 0.02);
        n.put("use_cache", true);
        n.put("torch_dtype", torchDtype);
        return n;
    }

    private static void putCap(ObjectNode n, String field, double cap) {
        if (cap > 0) {
            n.put(field, cap);
        } else {
            n.putNull(field);
        }
    }

    public void write(Path configJson) throws IOException {
        Files.writeString(configJson, JSON.writeValueAsString(toJson()) + "\n");
    }
}

package org.lorapipe.model;

import java.util.List;

/**
 * How one Hugging Face decoder architecture differs from Llama, and nothing else: every supported
 * architecture runs the same {@link DecoderLayer}, {@link Attention} and {@link FeedForward}, which read
 * these switches. A new architecture is a new constant here (plus its config fields in
 * {@link LlamaConfig}), not a copy of the model.
 *
 * @param className the {@code architectures[0]} of config.json
 * @param modelType config.json's {@code model_type}
 * @param unitOffsetNorms RMSNorms scale by (1 + w) instead of w (Gemma)
 * @param qkNorm an RMSNorm over each head of q and of k before the rotary embedding (Qwen3)
 * @param qkvBias q, k and v carry a bias, o does not (Qwen2)
 * @param sandwichNorms norms after attention and around the feed-forward (Gemma 2): {@code
 *     post_attention_layernorm} normalises the attention output, {@code pre_feedforward_layernorm} and
 *     {@code post_feedforward_layernorm} the MLP's input and output
 * @param scaledEmbedding token embeddings multiplied by sqrt(hidden_size) (Gemma)
 * @param fusedProjections one {@code qkv_proj} [q; k; v] and one {@code gate_up_proj} [gate; up] (Phi-3)
 * @param windowedLayers which layers use {@code sliding_window} when the config sets one
 */
public record Architecture(
        String className,
        String modelType,
        boolean unitOffsetNorms,
        boolean qkNorm,
        boolean qkvBias,
        boolean sandwichNorms,
        boolean scaledEmbedding,
        boolean fusedProjections,
        WindowedLayers windowedLayers) {

    /** Layers that attend through the sliding window, when the config has one. */
    public enum WindowedLayers {
        /** Mistral, Phi-3: every layer. */
        ALL,
        /** Gemma 2: layers 0, 2, 4, ... (local), the odd ones attend globally. */
        EVEN,
        /** Llama, Qwen: a sliding_window in config.json is refused. */
        NONE;

        boolean windowed(int layer) {
            return switch (this) {
                case ALL -> true;
                case EVEN -> layer % 2 == 0;
                case NONE -> false;
            };
        }
    }

    public static final Architecture LLAMA = new Architecture(
            "LlamaForCausalLM", "llama", false, false, false, false, false, false, WindowedLayers.NONE);
    public static final Architecture MISTRAL = new Architecture(
            "MistralForCausalLM", "mistral", false, false, false, false, false, false, WindowedLayers.ALL);
    public static final Architecture QWEN2 =
            new Architecture("Qwen2ForCausalLM", "qwen2", false, false, true, false, false, false, WindowedLayers.NONE);
    public static final Architecture QWEN3 =
            new Architecture("Qwen3ForCausalLM", "qwen3", false, true, false, false, false, false, WindowedLayers.NONE);
    public static final Architecture GEMMA2 =
            new Architecture("Gemma2ForCausalLM", "gemma2", true, false, false, true, true, false, WindowedLayers.EVEN);
    public static final Architecture PHI3 =
            new Architecture("Phi3ForCausalLM", "phi3", false, false, false, false, false, true, WindowedLayers.ALL);

    /** Every supported architecture, in the order error messages list them. */
    public static final List<Architecture> ALL = List.of(LLAMA, MISTRAL, QWEN2, QWEN3, GEMMA2, PHI3);

    /** The architecture of an HF class name, or null when unsupported. */
    public static Architecture byClassName(String className) {
        return ALL.stream()
                .filter(a -> a.className.equals(className))
                .findFirst()
                .orElse(null);
    }

    /** The class name for a config.json {@code model_type}, or null. */
    public static String classNameOfModelType(String modelType) {
        return ALL.stream()
                .filter(a -> a.modelType.equals(modelType))
                .map(Architecture::className)
                .findFirst()
                .orElse(null);
    }

    public static List<String> classNames() {
        return ALL.stream().map(Architecture::className).toList();
    }

    /** Module names (last segment) of the attention's input projections. */
    public List<String> attentionInputs() {
        return fusedProjections ? List.of("qkv_proj") : List.of("q_proj", "k_proj", "v_proj");
    }

    /** Module names (last segment) of the feed-forward's input projections. */
    public List<String> feedForwardInputs() {
        return fusedProjections ? List.of("gate_up_proj") : List.of("gate_proj", "up_proj");
    }
}

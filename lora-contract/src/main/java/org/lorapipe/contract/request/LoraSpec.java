package org.lorapipe.contract.request;

import java.util.List;
import java.util.Map;

/**
 * The low-rank adapter: h = W x + scale * B A dropout(x), scale = alpha / r (alpha / sqrt(r) with rsLoRA).
 *
 * @param r rank of A [r, in] and B [out, r]
 * @param alpha scaling numerator
 * @param dropout dropout probability on the adapter branch input
 * @param targetModules Hugging Face module names ({@code q_proj ... lm_head}) or {@code all-linear}
 * @param rankPattern per-module rank overrides, key = module-name fragment (as in PEFT)
 * @param alphaPattern per-module alpha overrides
 * @param useRslora scale by alpha / sqrt(r)
 */
public record LoraSpec(
        int r,
        double alpha,
        double dropout,
        List<String> targetModules,
        Map<String, Integer> rankPattern,
        Map<String, Double> alphaPattern,
        boolean useRslora) {

    /** The value of {@code targetModules} that selects every linear layer except {@code lm_head}. */
    public static final String ALL_LINEAR = "all-linear";

    /**
     * The module names the supported architectures have: Llama's, plus Phi-3's fused {@code qkv_proj} and
     * {@code gate_up_proj} (a model has either the fused or the separate names; the trainer says which).
     */
    public static final List<String> MODULE_NAMES = List.of(
            "q_proj",
            "k_proj",
            "v_proj",
            "qkv_proj",
            "o_proj",
            "gate_proj",
            "up_proj",
            "gate_up_proj",
            "down_proj",
            "lm_head");

    public static final int DEFAULT_R = 8;
    public static final double DEFAULT_ALPHA = 16;
    public static final double DEFAULT_DROPOUT = 0.05;
    public static final List<String> DEFAULT_TARGETS = List.of("q_proj", "v_proj");

    public LoraSpec {
        targetModules = List.copyOf(targetModules);
        // in the order given: the first key that matches a module applies (PEFT's rule, UserPatterns)
        rankPattern = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rankPattern));
        alphaPattern = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(alphaPattern));
    }

    /** The adapter scale for a module of rank {@code rank} with numerator {@code alpha}. */
    public double scale(int rank, double alphaValue) {
        return useRslora ? alphaValue / Math.sqrt(rank) : alphaValue / rank;
    }
}

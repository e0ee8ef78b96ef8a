package org.lorapipe.tuning.lora;

/**
 * One adapted module after resolving the request: its full Hugging Face name, rank, alpha and scale.
 *
 * @param module full module name, e.g. {@code model.layers.3.self_attn.q_proj} or {@code lm_head}
 * @param rank r of A [r, in] and B [out, r]
 * @param alpha scaling numerator (after {@code alphaPattern})
 * @param scale alpha / r, or alpha / sqrt(r) with rsLoRA
 * @param inFeatures base projection input width
 * @param outFeatures base projection output width
 */
public record LoraTarget(String module, int rank, double alpha, double scale, int inFeatures, int outFeatures) {

    /** Trainable parameters of this adapter: r * (in + out). */
    public long parameters() {
        return (long) rank * (inFeatures + outFeatures);
    }
}

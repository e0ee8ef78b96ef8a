package org.lorapipe.contract.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the merged model was checked: largest |logit| difference against base + adapter on held-out text.
 *
 * @param maxAbsLogitDiff max |logits(merged) - logits(base + adapter)|
 * @param quantizedBaseMaxAbsLogitDiff QLoRA runs only (else absent): max |logits(full-precision base +
 *     adapter) - logits(NF4 base + adapter)| on the same text, i.e. how far the merged model (adapter
 *     folded into the original weights) lands from the quantized model the adapter was trained with
 */
public record Verification(double maxAbsLogitDiff, Double quantizedBaseMaxAbsLogitDiff) {

    @JsonCreator
    public Verification(
            @JsonProperty("maxAbsLogitDiff") double maxAbsLogitDiff,
            @JsonProperty("quantizedBaseMaxAbsLogitDiff") Double quantizedBaseMaxAbsLogitDiff) {
        this.maxAbsLogitDiff = maxAbsLogitDiff;
        this.quantizedBaseMaxAbsLogitDiff = quantizedBaseMaxAbsLogitDiff;
    }

    /** A full-precision run's verification. */
    public Verification(double maxAbsLogitDiff) {
        this(maxAbsLogitDiff, null);
    }
}

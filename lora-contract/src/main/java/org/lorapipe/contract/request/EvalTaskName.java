package org.lorapipe.contract.request;

import com.fasterxml.jackson.annotation.JsonValue;

/** The benchmark tasks the eval-service knows. */
public enum EvalTaskName implements WireValue {
    PERPLEXITY("perplexity"),
    ARC("arc"),
    GENERATION("generation");

    private final String wire;

    EvalTaskName(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }
}

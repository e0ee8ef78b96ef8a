package org.lorapipe.contract.request;

import com.fasterxml.jackson.annotation.JsonValue;

/** How the frozen base weights are held while training: full precision, or 4-bit NormalFloat (QLoRA). */
public enum QuantizationType implements WireValue {
    NONE("none"),
    NF4("nf4");

    private final String wire;

    QuantizationType(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }
}

package org.lorapipe.contract.request;

import com.fasterxml.jackson.annotation.JsonValue;

/** The floating-point type of written weights. */
public enum ModelDtype implements WireValue {
    FLOAT32("float32"),
    FLOAT16("float16"),
    BFLOAT16("bfloat16");

    private final String wire;

    ModelDtype(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }
}

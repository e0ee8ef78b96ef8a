package org.lorapipe.contract.request;

import com.fasterxml.jackson.annotation.JsonValue;

/** The learning-rate schedule after the linear warm-up. */
public enum SchedulerType implements WireValue {
    COSINE("cosine"),
    LINEAR("linear"),
    CONSTANT("constant");

    private final String wire;

    SchedulerType(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }
}

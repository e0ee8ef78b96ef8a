package org.lorapipe.contract.request;

import com.fasterxml.jackson.annotation.JsonValue;

/** The optimizer over the trainable (adapter) parameters: AdamW with decoupled weight decay, or SGD with momentum. */
public enum OptimizerType implements WireValue {
    ADAMW("adamw"),
    SGD("sgd");

    private final String wire;

    OptimizerType(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }
}

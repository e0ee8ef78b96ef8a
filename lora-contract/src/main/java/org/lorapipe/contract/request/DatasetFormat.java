package org.lorapipe.contract.request;

import com.fasterxml.jackson.annotation.JsonValue;

/** Layout of the records of a dataset file: {@code alpaca} (instruction, input, output, optional history), {@code chat} (messages of role and content) or {@code text} (raw documents). */
public enum DatasetFormat implements WireValue {
    ALPACA("alpaca"),
    CHAT("chat"),
    TEXT("text");

    private final String wire;

    DatasetFormat(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }
}

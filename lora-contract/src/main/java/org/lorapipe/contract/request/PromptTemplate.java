package org.lorapipe.contract.request;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a record becomes the text the model sees: the Stanford Alpaca prompt, ChatML, Llama 2 chat, or the plain concatenation. */
public enum PromptTemplate implements WireValue {
    ALPACA("alpaca"),
    CHATML("chatml"),
    LLAMA2_CHAT("llama2-chat"),
    PLAIN("plain");

    private final String wire;

    PromptTemplate(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }
}

package org.lorapipe.contract.request;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a record becomes the text the model sees: the Stanford Alpaca prompt, ChatML, Llama 2 chat, the
 * plain concatenation, or {@code model}: the base model's own {@code chat_template} (from its
 * {@code tokenizer_config.json} or {@code chat_template.jinja}).
 */
public enum PromptTemplate implements WireValue {
    ALPACA("alpaca"),
    CHATML("chatml"),
    LLAMA2_CHAT("llama2-chat"),
    PLAIN("plain"),
    MODEL("model");

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

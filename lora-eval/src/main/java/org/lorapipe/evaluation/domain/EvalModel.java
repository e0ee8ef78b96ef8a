package org.lorapipe.evaluation.domain;

import java.util.ArrayList;
import java.util.List;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.tokenizer.TextTokenizer;

/**
 * A model ready to be evaluated: the (possibly adapted) model and its tokenizer. Closing it closes
 * everything it owns: the model, the tokenizer and any extra resources (e.g. the base model under
 * an adapter wrapper).
 */
public final class EvalModel implements AutoCloseable {

    private final LlamaModel model;
    private final TextTokenizer tokenizer;
    private final List<AutoCloseable> owned = new ArrayList<>();

    public EvalModel(LlamaModel model, TextTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        owned.add(tokenizer);
        owned.add(model);
    }

    /** Also closes {@code resource} when this model is closed (last added, first closed). */
    public EvalModel alsoClosing(AutoCloseable resource) {
        owned.add(0, resource);
        return this;
    }

    /** The same resources around another model object (e.g. an adapter wrapper around this one's model). */
    EvalModel withModel(LlamaModel other) {
        if (other == model) {
            return this;
        }
        EvalModel e = new EvalModel(other, tokenizer);
        e.owned.clear();
        e.owned.add(other);
        e.owned.addAll(owned);
        return e;
    }

    public LlamaModel model() {
        return model;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
        }
        owned.clear();
        if (first != null) {
            throw first;
        }
    }
}

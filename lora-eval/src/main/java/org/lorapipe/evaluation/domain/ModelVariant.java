package org.lorapipe.evaluation.domain;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.model.tokenizer.Tokenizers;

/**
 * How to obtain one of the models under comparison ("base" or "tuned"). The evaluator loads a variant
 * when it starts on it and closes it before loading the next, so only one model is in memory.
 *
 * <p>"Base + adapter" is the base variant mapped through the adapter loader, one line once it exists:
 * {@code ModelVariant.directory(baseDir).map(m -> PeftAdapter.load(adapterDir).applyTo(m))}.
 */
@FunctionalInterface
public interface ModelVariant {

    /** Loads the model; the caller closes it. */
    EvalModel load();

    /** A model directory in Hugging Face layout (weights + tokenizer). */
    static ModelVariant directory(Path dir) {
        return () -> {
            LlamaModel model = LlamaModel.load(dir);
            try {
                TextTokenizer tokenizer = Tokenizers.load(dir);
                return new EvalModel(model, tokenizer);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        };
    }

    /**
     * This variant with {@code transform} applied to its model after loading, e.g. wrapping its
     * linears with LoRA layers. The transform may return the same model (changed in place) or a new
     * one; either way everything is closed with the returned {@link EvalModel}.
     */
    default ModelVariant map(UnaryOperator<LlamaModel> transform) {
        return () -> {
            EvalModel loaded = load();
            try {
                return loaded.withModel(transform.apply(loaded.model()));
            } catch (RuntimeException e) {
                loaded.close();
                throw e;
            }
        };
    }
}

package org.lorapipe.dataset.domain.template;

import java.util.List;
import java.util.Optional;
import org.lorapipe.dataset.domain.Example;

/**
 * How the examples of one dataset become text: a built-in prompt template ({@link PromptTemplates}) or
 * the base model's own chat template ({@link ModelTemplate}).
 */
public interface ExampleTemplate {

    /** The segments of {@code example}: prompt text (not trained), responses (trained), BOS and EOS. */
    List<Segment> apply(Example example);

    /**
     * The text a chat template writes after each answer, whose first token ends an assistant turn and
     * must be trained somewhere in the dataset (e.g. {@code <|im_end|>}); empty when the turn ends with
     * the tokenizer's EOS.
     */
    Optional<String> endOfTurn();

    /**
     * The Jinja chat template that renders a conversation as {@link #apply} does, for the adapter and
     * the merged model: the model's own, or the built-in template's equivalent.
     */
    String chatTemplate();
}

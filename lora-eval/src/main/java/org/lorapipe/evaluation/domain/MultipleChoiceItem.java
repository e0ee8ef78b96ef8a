package org.lorapipe.evaluation.domain;

import java.util.List;

/**
 * One multiple-choice question, whatever benchmark it comes from.
 *
 * @param id the item's id in its file (ARC's {@code id}; {@code file:line} where the file has none)
 * @param question the question text, before any prompt template is applied
 * @param choices the answer texts, in file order
 * @param gold index of the correct answer in {@code choices}
 */
public record MultipleChoiceItem(String id, String question, List<String> choices, int gold) {
    public MultipleChoiceItem {
        choices = List.copyOf(choices);
        if (choices.size() < 2) {
            throw new IllegalArgumentException(id + ": a multiple-choice item needs at least 2 choices");
        }
        if (gold < 0 || gold >= choices.size()) {
            throw new IllegalArgumentException(id + ": gold index " + gold + " outside 0.." + (choices.size() - 1));
        }
    }
}

package org.lorapipe.dataset.domain;

/**
 * One prompt and its answer: an instruction with its optional input, and the response the model should
 * learn. A multi-turn record is a list of these, earlier turns first.
 */
public record Exchange(String instruction, String input, String response) {
    public boolean hasInput() {
        return input != null && !input.isEmpty();
    }
}

package org.lorapipe.contract.request;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of a request instead of stopping at the first, so one round trip tells a user
 * everything to fix. Each problem names the field by its JSON path ({@code lora.r},
 * {@code evaluation.tasks[1].uri}) and says what a valid value looks like.
 */
public final class Problems {
    private final List<String> messages = new ArrayList<>();

    /** Records {@code "<path> <rule>, got <value>"}. */
    public void add(String path, String rule, Object got) {
        messages.add(path + " " + rule + ", got " + render(got));
    }

    /** Records a free-form problem. */
    public void add(String message) {
        messages.add(message);
    }

    /** Records the problem unless {@code ok}. */
    public void check(boolean ok, String path, String rule, Object got) {
        if (!ok) {
            add(path, rule, got);
        }
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public List<String> list() {
        return List.copyOf(messages);
    }

    static String render(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof CharSequence s) {
            return "'" + s + "'";
        }
        if (value instanceof com.fasterxml.jackson.databind.JsonNode node) {
            return node.isMissingNode() || node.isNull() ? "nothing" : node.toString();
        }
        return String.valueOf(value);
    }
}

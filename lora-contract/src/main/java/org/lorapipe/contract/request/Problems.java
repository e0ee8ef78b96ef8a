package org.lorapipe.contract.request;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of a request instead of stopping at the first, so one round trip tells a user
 * everything to fix. Each problem names the field by its JSON path ({@code lora.r},
 * {@code evaluation.tasks[1].uri}) and says what a valid value looks like.
 */
public final class Problems {
    /** Problems kept; beyond this they are only counted, so a hostile input cannot grow a failure event. */
    public static final int MAX_PROBLEMS = 50;
    /** Longest rendering of an offending value, in characters. */
    public static final int MAX_VALUE_CHARS = 200;

    private final List<String> messages = new ArrayList<>();
    private int dropped;

    /** Records {@code "<path> <rule>, got <value>"}. */
    public void add(String path, String rule, Object got) {
        add(cut(path) + " " + rule + ", got " + render(got));
    }

    /** Records a free-form problem. */
    public void add(String message) {
        if (messages.size() < MAX_PROBLEMS) {
            messages.add(message);
        } else {
            dropped++;
        }
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

    /** The problems kept, and a last line counting those left out when there were too many. */
    public List<String> list() {
        if (dropped == 0) {
            return List.copyOf(messages);
        }
        List<String> out = new ArrayList<>(messages);
        out.add(more(dropped));
        return List.copyOf(out);
    }

    /**
     * {@code problems} as one sentence list ("a; b; c") of at most {@link #MAX_PROBLEMS}, with the count
     * of the rest: for messages built from lists that grow with a model or a file, so a failure event
     * stays small whatever the input.
     */
    public static String join(List<String> problems) {
        if (problems.size() <= MAX_PROBLEMS) {
            return String.join("; ", problems);
        }
        return String.join("; ", problems.subList(0, MAX_PROBLEMS)) + "; " + more(problems.size() - MAX_PROBLEMS);
    }

    /** Every problem found, listed or not. */
    public int total() {
        return messages.size() + dropped;
    }

    /** The line that stands for {@code n} problems left out of a list. */
    static String more(int n) {
        return "... and " + n + " more problem(s) not listed (only the first " + MAX_PROBLEMS
                + " are): fix these and send again";
    }

    /** {@code text}, cut to {@link #MAX_VALUE_CHARS} with the length stated. */
    public static String cut(String text) {
        return text.length() <= MAX_VALUE_CHARS
                ? text
                : text.substring(0, MAX_VALUE_CHARS) + "... (" + text.length() + " characters)";
    }

    static String render(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof CharSequence s) {
            return "'" + cut(s.toString()) + "'";
        }
        if (value instanceof com.fasterxml.jackson.databind.JsonNode node) {
            return node.isMissingNode() || node.isNull() ? "nothing" : cut(node.toString());
        }
        return cut(String.valueOf(value));
    }
}

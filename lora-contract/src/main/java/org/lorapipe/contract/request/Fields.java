package org.lorapipe.contract.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the fields of one JSON object of a request, filling defaults and recording a problem (instead
 * of throwing) for each field of the wrong type, so that the parser can report every problem at once.
 * Fields it was never asked for are reported by {@link #rejectUnknown()} with the closest valid name.
 */
final class Fields {
    private final JsonNode node;
    private final String path;
    private final Problems problems;
    private final Set<String> known = new LinkedHashSet<>();

    Fields(JsonNode node, String path, Problems problems) {
        this.path = path;
        this.problems = problems;
        if (node == null || node.isMissingNode() || node.isNull()) {
            this.node = MissingNode.getInstance();
        } else if (!node.isObject()) {
            problems.add(path.isEmpty() ? "the request" : path, "must be a JSON object", node);
            this.node = MissingNode.getInstance();
        } else {
            this.node = node;
        }
    }

    boolean present() {
        return node.isObject();
    }

    String path(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    JsonNode raw(String name) {
        known.add(name);
        return node.path(name);
    }

    private static boolean absent(JsonNode value) {
        return value.isMissingNode() || value.isNull();
    }

    String string(String name, String fallback) {
        JsonNode value = raw(name);
        if (absent(value)) {
            return fallback;
        }
        if (!value.isTextual()) {
            problems.add(path(name), "must be a string", value);
            return fallback;
        }
        return value.textValue();
    }

    /** An integer, or {@code fallback} when absent; a wrong type is a problem (and returns null). */
    Integer integer(String name, Integer fallback) {
        JsonNode value = raw(name);
        if (absent(value)) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            problems.add(path(name), "must be an integer", value);
            return null;
        }
        return value.intValue();
    }

    Long longValue(String name, long fallback) {
        JsonNode value = raw(name);
        if (absent(value)) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            problems.add(path(name), "must be an integer", value);
            return null;
        }
        return value.longValue();
    }

    Double number(String name, double fallback) {
        JsonNode value = raw(name);
        if (absent(value)) {
            return fallback;
        }
        if (!value.isNumber()) {
            problems.add(path(name), "must be a number", value);
            return null;
        }
        if (!Double.isFinite(value.doubleValue())) {
            problems.add(path(name), "must be a finite number", value);
            return null;
        }
        return value.doubleValue();
    }

    boolean bool(String name, boolean fallback) {
        JsonNode value = raw(name);
        if (absent(value)) {
            return fallback;
        }
        if (!value.isBoolean()) {
            problems.add(path(name), "must be true or false", value);
            return fallback;
        }
        return value.booleanValue();
    }

    <E extends Enum<E> & WireValue> E enumValue(String name, Class<E> type, E fallback) {
        JsonNode value = raw(name);
        if (absent(value)) {
            return fallback;
        }
        var parsed = value.isTextual() ? WireValue.parse(type, value.textValue()) : java.util.Optional.<E>empty();
        if (parsed.isEmpty()) {
            problems.add(path(name), "must be one of " + WireValue.choices(type), value);
            return fallback;
        }
        return parsed.get();
    }

    /** A list of strings; a single string is taken as a list of one. */
    List<String> strings(String name, List<String> fallback) {
        JsonNode value = raw(name);
        if (absent(value)) {
            return fallback;
        }
        if (value.isTextual()) {
            return List.of(value.textValue());
        }
        List<String> out = new ArrayList<>();
        if (!value.isArray()) {
            problems.add(path(name), "must be a list of strings", value);
            return fallback;
        }
        for (int i = 0; i < value.size(); i++) {
            if (value.get(i).isTextual()) {
                out.add(value.get(i).textValue());
            } else {
                problems.add(path(name) + "[" + i + "]", "must be a string", value.get(i));
            }
        }
        return out;
    }

    /** An object of numbers keyed by free-form strings ({@code rankPattern}, {@code alphaPattern}). */
    Map<String, Double> numberMap(String name) {
        JsonNode value = raw(name);
        Map<String, Double> out = new LinkedHashMap<>();
        if (absent(value)) {
            return out;
        }
        if (!value.isObject()) {
            problems.add(path(name), "must be an object of module-name fragment to number", value);
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNumber() && Double.isFinite(e.getValue().doubleValue())) {
                out.put(e.getKey(), e.getValue().doubleValue());
            } else {
                problems.add(path(name) + "." + e.getKey(), "must be a finite number", e.getValue());
            }
        }
        return out;
    }

    Fields object(String name) {
        return new Fields(raw(name), path(name), problems);
    }

    /** Reports every field that was not read, suggesting the closest known name. */
    void rejectUnknown() {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                String hint = closest(name);
                problems.add("unknown field " + path(name)
                        + (hint == null
                                ? " (valid fields: " + String.join(", ", known) + ")"
                                : " (did you mean " + path(hint) + "?)"));
            }
        }
    }

    private String closest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = editDistance(name.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitution, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

package org.lorapipe.contract.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One point of a sweep: the request fields it sets on top of the base request.
 *
 * @param index 1-based, in the order the sweep lists its settings
 * @param label the overrides as people read them, e.g. {@code lora.r=16, lora.alpha=32}; "base" when
 *     the setting changes nothing
 * @param overrides dotted request path ({@code lora.r}) to the JSON value it is set to, in order
 */
public record SweepSetting(int index, String label, Map<String, JsonNode> overrides) {
    public SweepSetting {
        overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    /** The label of a setting with these overrides. */
    public static String labelOf(Map<String, JsonNode> overrides) {
        if (overrides.isEmpty()) {
            return "base";
        }
        StringBuilder s = new StringBuilder();
        overrides.forEach((path, value) -> {
            if (!s.isEmpty()) {
                s.append(", ");
            }
            s.append(path).append('=').append(value.isTextual() ? value.textValue() : value.toString());
        });
        return s.toString();
    }
}

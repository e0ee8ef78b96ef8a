package org.lorapipe.service.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the YAML front matter of a model card, minimally (no YAML library is on the services' test
 * classpath): the block between the first two {@code ---} lines, of top-level {@code key: value},
 * {@code key:} followed by {@code - item} lines, or {@code key:} followed by indented {@code sub: value}
 * lines. Every value must be a JSON scalar or flow collection (which YAML reads the same way), so
 * anything else in the card fails the test here.
 */
public final class FrontMatter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FrontMatter() {}

    /** The front matter as nested maps and lists. */
    public static Map<String, Object> parse(String card) {
        List<String> lines = card.lines().toList();
        if (lines.isEmpty() || !lines.get(0).equals("---")) {
            throw new IllegalArgumentException("a model card starts with a '---' line");
        }
        int end = lines.subList(1, lines.size()).indexOf("---") + 1;
        if (end == 0) {
            throw new IllegalArgumentException("the front matter has no closing '---' line");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        String open = null;
        for (String line : lines.subList(1, end)) {
            if (line.startsWith("- ")) {
                listOf(out, open).add(value(line.substring(2)));
            } else if (line.startsWith("  ")) {
                String[] kv = split(line.substring(2));
                mapOf(out, open).put(kv[0], value(kv[1]));
            } else {
                String[] kv = split(line);
                if (kv[1].isEmpty()) {
                    open = kv[0];
                } else {
                    out.put(kv[0], value(kv[1]));
                    open = null;
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> listOf(Map<String, Object> out, String key) {
        if (key == null) {
            throw new IllegalArgumentException("a list item outside a 'key:' block");
        }
        return (List<Object>) out.computeIfAbsent(key, k -> new ArrayList<>());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapOf(Map<String, Object> out, String key) {
        if (key == null) {
            throw new IllegalArgumentException("an indented line outside a 'key:' block");
        }
        return (Map<String, Object>) out.computeIfAbsent(key, k -> new LinkedHashMap<>());
    }

    private static String[] split(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0 || !line.substring(0, colon).matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("not 'key: value': " + line);
        }
        return new String[] {line.substring(0, colon), line.substring(colon + 1).strip()};
    }

    private static Object value(String text) {
        try {
            return JSON.readValue(text, new TypeReference<Object>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON (and so YAML flow) value: " + text, e);
        }
    }
}

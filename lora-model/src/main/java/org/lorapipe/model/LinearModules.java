package org.lorapipe.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The model's linear projections by Hugging Face module name ({@code model.layers.3.self_attn.q_proj},
 * {@code model.layers.3.mlp.down_proj}, {@code lm_head}, ...). The set of names is fixed at load time;
 * a LoRA trainer swaps entries with {@link #replace}. Layers look their projections up here on every
 * forward, so a replacement takes effect immediately.
 */
public final class LinearModules {

    private final Map<String, LinearLayer> modules = new LinkedHashMap<>();

    void register(String name, LinearLayer layer) {
        if (modules.putIfAbsent(name, layer) != null) {
            throw new IllegalStateException("duplicate module " + name);
        }
    }

    public LinearLayer get(String name) {
        LinearLayer l = modules.get(name);
        if (l == null) {
            throw new IllegalArgumentException("no linear module '" + name + "'; known modules look like "
                    + modules.keySet().stream().limit(8).toList() + " ...");
        }
        return l;
    }

    /** Replaces one module and returns the previous one (e.g. to wrap it: {@code replace(n, base -> lora(base))}). */
    public LinearLayer replace(String name, UnaryOperator<LinearLayer> wrap) {
        LinearLayer old = get(name);
        LinearLayer now = wrap.apply(old);
        if (now.inFeatures() != old.inFeatures() || now.outFeatures() != old.outFeatures()) {
            throw new IllegalArgumentException("replacement for " + name + " maps " + now.inFeatures() + " -> "
                    + now.outFeatures() + " but the module maps " + old.inFeatures() + " -> " + old.outFeatures());
        }
        modules.put(name, now);
        return old;
    }

    public List<String> names() {
        return List.copyOf(modules.keySet());
    }

    /** Names whose last segment is one of {@code suffixes} (e.g. "q_proj", "v_proj"). */
    public List<String> namesEndingWith(List<String> suffixes) {
        return modules.keySet().stream()
                .filter(n -> suffixes.contains(n.substring(n.lastIndexOf('.') + 1)))
                .toList();
    }

    /** Read-only view, in model order. */
    public Map<String, LinearLayer> asMap() {
        return Collections.unmodifiableMap(modules);
    }

    /** Each module's shape, in model order. */
    public Map<String, LinearShape> shapes() {
        Map<String, LinearShape> out = new LinkedHashMap<>();
        modules.forEach((name, l) -> out.put(name, new LinearShape(l.inFeatures(), l.outFeatures())));
        return Collections.unmodifiableMap(out);
    }
}

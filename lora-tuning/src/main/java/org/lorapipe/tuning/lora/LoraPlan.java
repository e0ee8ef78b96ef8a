package org.lorapipe.tuning.lora;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.contract.request.UserPatterns;
import org.lorapipe.model.LinearModules;
import org.lorapipe.model.LinearShape;

/**
 * Resolves a {@link LoraSpec} against a model's linear modules, with PEFT's semantics:
 *
 * <ul>
 *   <li>a target short name ({@code q_proj}) selects every module whose name is it or ends with
 *       {@code "." + name}; {@code all-linear} selects every linear except {@code lm_head} (PEFT
 *       excludes the output layer); {@code lm_head} may be named explicitly;
 *   <li>{@code rankPattern} / {@code alphaPattern} keys are regular expressions matched as PEFT's
 *       {@code get_pattern_key} does: {@code re.match(rf"(.*\.)?({key})$", module_name)}, the first
 *       matching key in the request's order winning ({@link UserPatterns#firstMatch}, linear time);
 *       {@link org.lorapipe.tuning.peft.PeftAdapter} writes them in that order, so PEFT resolves them
 *       the same way.
 * </ul>
 *
 * Every problem (unknown target, bad pattern, rank larger than a module allows) is collected and
 * reported in one {@link IllegalArgumentException}.
 */
public final class LoraPlan {

    private final LoraSpec spec;
    private final List<LoraTarget> targets;
    private final List<String> shortNames;

    private LoraPlan(LoraSpec spec, List<LoraTarget> targets, List<String> shortNames) {
        this.spec = spec;
        this.targets = List.copyOf(targets);
        this.shortNames = List.copyOf(shortNames);
    }

    /** Resolves {@code spec} against {@code modules} (in model order). */
    public static LoraPlan resolve(LoraSpec spec, LinearModules modules) {
        return resolve(spec, modules.shapes());
    }

    /**
     * Resolves {@code spec} against module shapes (in model order): a loaded model's, or
     * {@link org.lorapipe.model.LlamaModel#linearShapes} of a config before anything is loaded.
     */
    public static LoraPlan resolve(LoraSpec spec, Map<String, LinearShape> modules) {
        List<String> problems = new ArrayList<>();
        if (spec.r() <= 0) {
            problems.add("lora.r must be > 0, got " + spec.r());
        }
        if (!(spec.alpha() > 0)) {
            problems.add("lora.alpha must be > 0, got " + spec.alpha());
        }
        if (!(spec.dropout() >= 0 && spec.dropout() < 1)) {
            problems.add("lora.dropout must be in [0, 1), got " + spec.dropout());
        }
        Set<String> valid = new LinkedHashSet<>();
        modules.keySet().forEach(n -> valid.add(shortName(n)));
        List<String> requested = spec.targetModules();
        if (requested.isEmpty()) {
            problems.add("lora.targetModules is empty; valid names for this model: " + validList(valid));
        }
        boolean allLinear = requested.stream().anyMatch(t -> t.equalsIgnoreCase(LoraSpec.ALL_LINEAR));
        for (String t : requested) {
            if (!t.equalsIgnoreCase(LoraSpec.ALL_LINEAR)
                    && modules.keySet().stream().noneMatch(n -> targets(n, t))) {
                problems.add("unknown target module '" + t + "'; valid names for this model: " + validList(valid));
            }
        }
        checkPatterns(spec.rankPattern().keySet(), "rankPattern", problems);
        checkPatterns(spec.alphaPattern().keySet(), "alphaPattern", problems);
        spec.rankPattern().forEach((k, v) -> {
            if (v == null || v <= 0) {
                problems.add("lora.rankPattern['" + k + "'] must be > 0, got " + v);
            }
        });
        List<LoraTarget> out = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        if (problems.isEmpty()) {
            for (Map.Entry<String, LinearShape> e : modules.entrySet()) {
                String name = e.getKey();
                boolean hit = allLinear && !shortName(name).equals("lm_head")
                        || requested.stream().anyMatch(t -> targets(name, t));
                if (!hit) {
                    continue;
                }
                int rank = patternKey(spec.rankPattern().keySet(), name)
                        .map(k -> spec.rankPattern().get(k))
                        .orElse(spec.r());
                double alpha = patternKey(spec.alphaPattern().keySet(), name)
                        .map(k -> spec.alphaPattern().get(k))
                        .orElse(spec.alpha());
                LinearShape l = e.getValue();
                int limit = Math.min(l.inFeatures(), l.outFeatures());
                if (rank > limit) {
                    problems.add("rank " + rank + " for module '" + name + "' exceeds min(in, out) = min("
                            + l.inFeatures() + ", " + l.outFeatures() + ") = " + limit
                            + "; lower lora.r or set a rankPattern entry for it");
                    continue;
                }
                out.add(new LoraTarget(name, rank, alpha, spec.scale(rank, alpha), l.inFeatures(), l.outFeatures()));
                used.add(shortName(name));
            }
        }
        if (problems.isEmpty()) {
            unmatched(spec.rankPattern().keySet(), "rankPattern", out, problems);
            unmatched(spec.alphaPattern().keySet(), "alphaPattern", out, problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid LoRA configuration: " + String.join("; ", problems));
        }
        return new LoraPlan(spec, out, List.copyOf(used));
    }

    /** A plan with explicit targets (e.g. read from a saved adapter); no validation against a model. */
    public static LoraPlan of(LoraSpec spec, List<LoraTarget> targets) {
        List<String> names =
                targets.stream().map(t -> shortName(t.module())).distinct().toList();
        return new LoraPlan(spec, targets, names);
    }

    /** PEFT's target matching for a list of names: exact, or a suffix after a dot. */
    static boolean targets(String module, String target) {
        return module.equals(target) || module.endsWith("." + target);
    }

    static String shortName(String module) {
        return module.substring(module.lastIndexOf('.') + 1);
    }

    private static String validList(Set<String> valid) {
        return String.join(", ", valid) + ", " + LoraSpec.ALL_LINEAR;
    }

    /**
     * A pattern key that applies to none of the adapted modules is a mistake PEFT passes over in silence
     * (a typo, or a module that is not targeted): here it is a problem naming a few of the modules.
     */
    private static void unmatched(Set<String> keys, String field, List<LoraTarget> targets, List<String> problems) {
        for (String k : keys) {
            if (targets.stream().noneMatch(t -> UserPatterns.firstMatch(List.of(k), t.module())
                    .isPresent())) {
                List<String> some =
                        targets.stream().map(LoraTarget::module).limit(3).toList();
                problems.add("lora." + field + " key '" + k + "' matches none of the " + targets.size()
                        + " adapted modules (e.g. " + String.join(", ", some) + "): fix the key, or add its"
                        + " modules to lora.targetModules");
            }
        }
    }

    private static void checkPatterns(Set<String> keys, String field, List<String> problems) {
        for (String k : keys) {
            String problem = UserPatterns.problem(k);
            if (problem != null) {
                problems.add("lora." + field + " key '" + k + "' " + problem);
            }
        }
    }

    /**
     * The pattern key applying to {@code module}: the first key, in the request's order, matching
     * {@code (.*\.)?(key)$} over the whole name (PEFT's get_pattern_key), matched in linear time.
     */
    public static Optional<String> patternKey(Set<String> keys, String module) {
        return UserPatterns.firstMatch(keys, module);
    }

    public LoraSpec spec() {
        return spec;
    }

    /** Adapted modules, in model order. */
    public List<LoraTarget> targets() {
        return targets;
    }

    /** Short names of the adapted modules (PEFT's expanded {@code target_modules}). */
    public List<String> targetShortNames() {
        return shortNames;
    }

    public long trainableParameters() {
        return targets.stream().mapToLong(LoraTarget::parameters).sum();
    }
}

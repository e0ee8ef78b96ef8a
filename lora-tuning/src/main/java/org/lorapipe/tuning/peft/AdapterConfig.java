package org.lorapipe.tuning.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.contract.request.UserPatterns;

/**
 * The part of a PEFT {@code adapter_config.json} that decides the merge: the default rank and alpha,
 * their per-module overrides and the scale rule.
 *
 * <p>Scale of module m: {@code s = alpha(m) / r(m)}, or {@code alpha(m) / sqrt(r(m))} with rsLoRA.
 * Overrides follow PEFT's {@code get_pattern_key}: a key of {@code rank_pattern} / {@code alpha_pattern}
 * applies to module m when the regex {@code (.*\.)?KEY$} matches m's full name (e.g. key {@code q_proj}
 * or {@code layers.0.self_attn.q_proj} for {@code model.layers.0.self_attn.q_proj}, but not key
 * {@code proj}); the first matching key in file order wins, and rank and alpha are resolved
 * independently (PEFT >= 0.14).
 *
 * @param r default rank
 * @param loraAlpha default alpha
 * @param useRslora scale by alpha / sqrt(r)
 * @param rankPattern rank overrides by module-name fragment, in file order
 * @param alphaPattern alpha overrides by module-name fragment, in file order
 * @param targetModules the module names the adapter targets (informational; the tensors decide)
 * @param loraDropout dropout on the adapter's input while training
 * @param baseModelNameOrPath {@code base_model_name_or_path}, or null
 */
public record AdapterConfig(
        int r,
        double loraAlpha,
        boolean useRslora,
        Map<String, Integer> rankPattern,
        Map<String, Double> alphaPattern,
        List<String> targetModules,
        double loraDropout,
        String baseModelNameOrPath) {

    public static final String FILE_NAME = PeftAdapter.CONFIG;

    private static final ObjectMapper JSON = new ObjectMapper();

    public AdapterConfig {
        rankPattern = Collections.unmodifiableMap(new LinkedHashMap<>(rankPattern));
        alphaPattern = Collections.unmodifiableMap(new LinkedHashMap<>(alphaPattern));
        targetModules = List.copyOf(targetModules);
    }

    /** Rank of {@code module} (full HF module name such as {@code model.layers.0.self_attn.q_proj}). */
    public int rankFor(String module) {
        String key = patternKey(rankPattern.keySet(), module);
        return key == null ? r : rankPattern.get(key);
    }

    public double alphaFor(String module) {
        String key = patternKey(alphaPattern.keySet(), module);
        return key == null ? loraAlpha : alphaPattern.get(key);
    }

    /** alpha / r, or alpha / sqrt(r) with rsLoRA, after the per-module overrides ({@link LoraSpec#scale}). */
    public double scaleFor(String module) {
        return toSpec().scale(rankFor(module), alphaFor(module));
    }

    /** The adapter's LoRA settings as a request's {@code lora} section. */
    public LoraSpec toSpec() {
        return new LoraSpec(r, loraAlpha, loraDropout, targetModules, rankPattern, alphaPattern, useRslora);
    }

    /**
     * The first key (in order) whose pattern {@code (.*\.)?(KEY)$} matches the whole module name, or null.
     * The group around the key is PEFT's: without it an alternation key {@code a|b} would only match
     * {@code b} as a whole name.
     */
    static String patternKey(Iterable<String> keys, String module) {
        return UserPatterns.firstMatch(keys, module).orElse(null);
    }

    /** Reads {@code adapter_config.json}; every missing or unsupported setting is reported at once. */
    public static AdapterConfig read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new AdapterException(
                    "adapter config not found: " + file + " (a PEFT adapter folder holds " + FILE_NAME + " and "
                            + PeftAdapter.WEIGHTS + ")",
                    e);
        } catch (IOException e) {
            throw new AdapterException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new AdapterException(file.toString(), List.of("not a JSON object"));
        }
        JsonNode rNode = root.get("r");
        if (rNode == null || !rNode.isIntegralNumber() || rNode.asInt() <= 0) {
            problems.add("\"r\" must be a positive integer, got " + rNode);
        }
        JsonNode alphaNode = root.get("lora_alpha");
        if (alphaNode == null || !alphaNode.isNumber()) {
            problems.add("\"lora_alpha\" must be a number, got " + alphaNode);
        }
        if (root.path("use_dora").asBoolean(false)) {
            problems.add("use_dora is true: DoRA adapters cannot be merged by this service (plain LoRA only)");
        }
        if (root.path("fan_in_fan_out").asBoolean(false)) {
            problems.add("fan_in_fan_out is true: only nn.Linear-style [out, in] weights are supported");
        }
        String bias = root.path("bias").asText("none");
        if (!"none".equals(bias)) {
            problems.add("bias is '" + bias + "': only adapters without LoRA biases (\"none\") are supported");
        }
        String peftType = root.path("peft_type").asText("LORA");
        if (!peftType.equalsIgnoreCase("LORA")) {
            problems.add("peft_type is " + peftType + ", expected LORA");
        }
        for (String field : List.of("rank_pattern", "alpha_pattern")) {
            root.path(field).fieldNames().forEachRemaining(key -> {
                String problem = UserPatterns.problem(key);
                if (problem != null) {
                    problems.add(field + " key '" + key + "' " + problem);
                }
            });
        }
        Map<String, Integer> ranks = new LinkedHashMap<>();
        root.path("rank_pattern").fields().forEachRemaining(e -> {
            if (!e.getValue().isIntegralNumber() || e.getValue().asInt() <= 0) {
                problems.add("rank_pattern[\"" + e.getKey() + "\"] must be a positive integer, got " + e.getValue());
            } else {
                ranks.put(e.getKey(), e.getValue().asInt());
            }
        });
        Map<String, Double> alphas = new LinkedHashMap<>();
        root.path("alpha_pattern").fields().forEachRemaining(e -> {
            if (!e.getValue().isNumber()) {
                problems.add("alpha_pattern[\"" + e.getKey() + "\"] must be a number, got " + e.getValue());
            } else {
                alphas.put(e.getKey(), e.getValue().asDouble());
            }
        });
        List<String> targets = new ArrayList<>();
        JsonNode t = root.get("target_modules");
        if (t != null && t.isArray()) {
            t.forEach(n -> targets.add(n.asText()));
        } else if (t != null && t.isTextual()) {
            targets.add(t.asText());
        }
        if (!problems.isEmpty()) {
            throw new AdapterException(file + " cannot be used", problems);
        }
        return new AdapterConfig(
                rNode.asInt(),
                alphaNode.asDouble(),
                root.path("use_rslora").asBoolean(false),
                ranks,
                alphas,
                targets,
                root.path("lora_dropout").asDouble(0),
                root.path("base_model_name_or_path").asText(null));
    }
}

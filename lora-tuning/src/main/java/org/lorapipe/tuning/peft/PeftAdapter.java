package org.lorapipe.tuning.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LinearLayer;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.io.DType;
import org.lorapipe.model.io.SafetensorsFile;
import org.lorapipe.model.io.SafetensorsWriter;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.lora.LoraLinear;
import org.lorapipe.tuning.lora.LoraMerge;
import org.lorapipe.tuning.lora.LoraPlan;
import org.lorapipe.tuning.lora.LoraTarget;

/**
 * A Hugging Face PEFT LoRA adapter on disk: {@code adapter_config.json} + {@code
 * adapter_model.safetensors} with keys {@code base_model.model.<module>.lora_A.weight} [r, in] and
 * {@code ...lora_B.weight} [out, r] (fp32), readable by {@code PeftModel.from_pretrained}.
 *
 * <p>Read side: {@link #load} reads both files; {@link #problems} checks it against a model (every
 * module exists, every shape fits, ranks agree with the config); {@link #applyTo} wraps the model's
 * linears; {@link #merge} folds one module into its base weight.
 */
public final class PeftAdapter {

    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    public static final String PREFIX = "base_model.model.";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final LoraSpec spec;
    private final String baseModel;
    /** module -> {A, B} row-major. */
    private final Map<String, float[][]> values;
    /** module -> {shape A, shape B}. */
    private final Map<String, long[][]> shapes;

    private PeftAdapter(LoraSpec spec, String baseModel, Map<String, float[][]> values, Map<String, long[][]> shapes) {
        this.spec = spec;
        this.baseModel = baseModel;
        this.values = values;
        this.shapes = shapes;
    }

    // ---------------------------------------------------------------- write

    /** Writes {@code adapters} into {@code dir} (created if needed), each file replaced atomically. */
    public static void save(Path dir, LoraAdapters adapters, String baseModelNameOrPath) {
        LoraSpec spec = adapters.plan().spec();
        try {
            Files.createDirectories(dir);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            adapters.layers().forEach((module, layer) -> {
                tensors.put(PREFIX + LoraAdapters.keyA(module), layer.loraA());
                tensors.put(PREFIX + LoraAdapters.keyB(module), layer.loraB());
            });
            SafetensorsWriter.writeAll(dir.resolve(WEIGHTS), tensors, DType.F32, Map.of("format", "pt"));
            ObjectNode c = JSON.createObjectNode();
            c.put("peft_type", "LORA");
            c.put("task_type", "CAUSAL_LM");
            c.put("base_model_name_or_path", baseModelNameOrPath);
            c.put("r", spec.r());
            number(c, "lora_alpha", spec.alpha());
            c.put("lora_dropout", spec.dropout());
            ArrayNode targets = c.putArray("target_modules");
            adapters.plan().targetShortNames().forEach(targets::add);
            // in the request's order: PEFT, like LoraPlan, takes the first key that matches a module
            ObjectNode rp = c.putObject("rank_pattern");
            spec.rankPattern().forEach(rp::put);
            ObjectNode ap = c.putObject("alpha_pattern");
            spec.alphaPattern().forEach((k, v) -> number(ap, k, v));
            c.put("use_rslora", spec.useRslora());
            c.put("use_dora", false);
            c.put("bias", "none");
            c.put("fan_in_fan_out", false);
            c.put("inference_mode", true);
            c.put("init_lora_weights", true);
            c.putNull("modules_to_save");
            c.putNull("layers_to_transform");
            c.putNull("layers_pattern");
            c.putNull("revision");
            Path tmp = dir.resolve(CONFIG + ".partial");
            JSON.writeValue(tmp.toFile(), c);
            Files.move(tmp, dir.resolve(CONFIG), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the PEFT adapter to " + dir, e);
        }
    }

    private static void number(ObjectNode n, String field, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            n.put(field, (long) v);
        } else {
            n.put(field, v);
        }
    }

    // ---------------------------------------------------------------- read

    /** Reads an adapter directory (both files must be present). */
    public static PeftAdapter load(Path dir) {
        Path config = dir.resolve(CONFIG);
        Path weights = dir.resolve(WEIGHTS);
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(config)) {
            missing.add(CONFIG);
        }
        if (!Files.isRegularFile(weights)) {
            missing.add(WEIGHTS);
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("not a PEFT adapter directory: " + dir + " lacks " + missing
                    + " (written by PeftAdapter.save / PEFT save_pretrained)");
        }
        try {
            JsonNode c = JSON.readTree(config.toFile());
            List<String> problems = new ArrayList<>();
            if (!"LORA".equals(c.path("peft_type").asText())) {
                problems.add("peft_type is '" + c.path("peft_type").asText() + "', only LORA is supported");
            }
            if (c.path("use_dora").asBoolean(false)) {
                problems.add("use_dora adapters are not supported");
            }
            if (c.path("fan_in_fan_out").asBoolean(false)) {
                problems.add("fan_in_fan_out adapters are not supported");
            }
            String bias = c.path("bias").asText("none");
            if (!"none".equals(bias)) {
                problems.add("bias '" + bias + "' is not supported (only none)");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(dir + ": " + String.join("; ", problems));
            }
            List<String> targets = new ArrayList<>();
            JsonNode tm = c.path("target_modules");
            if (tm.isArray()) {
                tm.forEach(t -> targets.add(t.asText()));
            } else if (tm.isTextual()) {
                targets.add(tm.asText());
            }
            Map<String, Integer> rp = new LinkedHashMap<>();
            c.path("rank_pattern")
                    .fields()
                    .forEachRemaining(e -> rp.put(e.getKey(), e.getValue().asInt()));
            Map<String, Double> ap = new LinkedHashMap<>();
            c.path("alpha_pattern")
                    .fields()
                    .forEachRemaining(e -> ap.put(e.getKey(), e.getValue().asDouble()));
            LoraSpec spec = new LoraSpec(
                    c.path("r").asInt(),
                    c.path("lora_alpha").asDouble(),
                    c.path("lora_dropout").asDouble(0),
                    targets,
                    rp,
                    ap,
                    c.path("use_rslora").asBoolean(false));
            Map<String, float[][]> values = new LinkedHashMap<>();
            Map<String, long[][]> shapes = new LinkedHashMap<>();
            try (SafetensorsFile f = SafetensorsFile.open(weights);
                    NDManager m = DjlRuntime.newManager(DjlRuntime.defaultDevice())) {
                List<String> bad = new ArrayList<>();
                for (String name : f.names()) {
                    boolean isA = name.endsWith(".lora_A.weight");
                    boolean isB = name.endsWith(".lora_B.weight");
                    if (!name.startsWith(PREFIX) || !(isA || isB)) {
                        bad.add(name);
                        continue;
                    }
                    String module = name.substring(PREFIX.length(), name.length() - ".lora_A.weight".length());
                    float[][] ab = values.computeIfAbsent(module, k -> new float[2][]);
                    long[][] sh = shapes.computeIfAbsent(module, k -> new long[2][]);
                    try (NDArray a = f.load(name, m)) {
                        ab[isA ? 0 : 1] = a.toFloatArray();
                        sh[isA ? 0 : 1] = a.getShape().getShape();
                    }
                }
                values.forEach((module, ab) -> {
                    if (ab[0] == null || ab[1] == null) {
                        bad.add(PREFIX + module + (ab[0] == null ? ".lora_A.weight" : ".lora_B.weight") + " (missing)");
                    }
                });
                if (!bad.isEmpty()) {
                    throw new IllegalArgumentException(weights + " has unexpected or missing tensors: " + bad
                            + "; expected pairs " + PREFIX + "<module>.lora_A.weight / .lora_B.weight");
                }
            }
            return new PeftAdapter(spec, c.path("base_model_name_or_path").asText(null), values, shapes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the PEFT adapter in " + dir, e);
        }
    }

    /** Every mismatch between this adapter and {@code model}; empty when it fits. */
    public List<String> problems(LlamaModel model) {
        List<String> problems = new ArrayList<>();
        Map<String, LinearLayer> linears = model.linears().asMap();
        shapes.forEach((module, sh) -> {
            LinearLayer l = linears.get(module);
            if (l == null) {
                problems.add("tensor " + PREFIX + LoraAdapters.keyA(module) + " targets module '" + module
                        + "' which this model does not have");
                return;
            }
            int r = rank(module);
            long[] wantA = {r, l.inFeatures()};
            long[] wantB = {l.outFeatures(), r};
            if (!Arrays.equals(sh[0], wantA)) {
                problems.add("tensor " + PREFIX + LoraAdapters.keyA(module) + " has shape " + Arrays.toString(sh[0])
                        + " but the model needs " + Arrays.toString(wantA) + " (rank " + r + " from the config)");
            }
            if (!Arrays.equals(sh[1], wantB)) {
                problems.add("tensor " + PREFIX + LoraAdapters.keyB(module) + " has shape " + Arrays.toString(sh[1])
                        + " but the model needs " + Arrays.toString(wantB) + " (rank " + r + " from the config)");
            }
        });
        if (shapes.isEmpty()) {
            problems.add("the adapter holds no LoRA tensors");
        }
        return problems;
    }

    /** Wraps the model's linears with this adapter's weights (dropout inactive until a trainer enables it). */
    public LoraAdapters applyTo(LlamaModel model) {
        List<String> problems = problems(model);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("adapter does not fit the model "
                    + model.config().architecture() + ": " + String.join("; ", problems));
        }
        List<LoraTarget> targets = new ArrayList<>();
        for (String module : model.linears().names()) {
            if (values.containsKey(module)) {
                LinearLayer l = model.linears().get(module);
                int r = rank(module);
                double alpha = alpha(module);
                targets.add(new LoraTarget(module, r, alpha, spec.scale(r, alpha), l.inFeatures(), l.outFeatures()));
            }
        }
        return LoraAdapters.withValues(model, LoraPlan.of(spec, targets), values);
    }

    /** W + s * B A for {@code module}, fp32 row-major (W [out, in] row-major). */
    public float[] merge(String module, float[] w) {
        float[][] ab = requireModule(module);
        long[][] sh = shapes.get(module);
        int r = (int) sh[0][0];
        return LoraMerge.merge(w, (int) sh[1][0], (int) sh[0][1], ab[0], ab[1], r, scale(module));
    }

    /** W + s * B A for {@code module} on NDArrays; the result belongs to {@code w}'s manager. */
    public NDArray merge(String module, NDArray w) {
        float[][] ab = requireModule(module);
        long[][] sh = shapes.get(module);
        NDManager m = w.getManager();
        try (NDArray a = m.create(ab[0], new ai.djl.ndarray.types.Shape(sh[0]));
                NDArray b = m.create(ab[1], new ai.djl.ndarray.types.Shape(sh[1]))) {
            return LoraMerge.merge(w, a, b, scale(module));
        }
    }

    private float[][] requireModule(String module) {
        float[][] ab = values.get(module);
        if (ab == null) {
            throw new IllegalArgumentException(
                    "the adapter has no weights for module '" + module + "'; it adapts " + values.keySet());
        }
        return ab;
    }

    /** Rank of {@code module}: rank_pattern (PEFT matching), else r. */
    public int rank(String module) {
        return LoraPlan.patternKey(spec.rankPattern().keySet(), module)
                .map(k -> spec.rankPattern().get(k))
                .orElse(spec.r());
    }

    public double alpha(String module) {
        return LoraPlan.patternKey(spec.alphaPattern().keySet(), module)
                .map(k -> spec.alphaPattern().get(k))
                .orElse(spec.alpha());
    }

    public double scale(String module) {
        return spec.scale(rank(module), alpha(module));
    }

    /** Adapted module names, in file order. */
    public List<String> modules() {
        return List.copyOf(values.keySet());
    }

    /** The adapter's LoRA settings as a request-style spec. */
    public LoraSpec spec() {
        return spec;
    }

    public String baseModelNameOrPath() {
        return baseModel;
    }

    /** {A, B} row-major for {@code module}. */
    public float[][] weights(String module) {
        return requireModule(module);
    }

    /** The weights of a live adapter layer, for tests and tools. */
    public static float[][] weightsOf(LoraLinear l) {
        return new float[][] {l.loraA().toFloatArray(), l.loraB().toFloatArray()};
    }
}

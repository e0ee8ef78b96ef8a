package org.lorapipe.tuning.peft;

import ai.djl.ndarray.NDArray;
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
import org.lorapipe.model.LinearLayer;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.io.DType;
import org.lorapipe.model.io.SafetensorsWriter;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.lora.LoraLinear;
import org.lorapipe.tuning.lora.LoraPlan;
import org.lorapipe.tuning.lora.LoraTarget;

/**
 * A Hugging Face PEFT LoRA adapter on disk: {@code adapter_config.json} + {@code
 * adapter_model.safetensors} with keys {@code base_model.model.<module>.lora_A.weight} [r, in] and
 * {@code ...lora_B.weight} [out, r] (fp32), readable by {@code PeftModel.from_pretrained}.
 *
 * <p>Read side: {@link #load} reads both files through {@link PeftAdapterFile} (the one reader, also
 * the merge's); {@link #problems} checks it against a model (every module exists, every shape fits);
 * {@link #applyTo} wraps the model's linears; {@link #merge} folds one module into its base weight
 * with {@link LowRankDelta}, the one {@code W + s B A}.
 */
public final class PeftAdapter {

    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    public static final String PREFIX = "base_model.model.";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final AdapterConfig config;
    private final LoraSpec spec;
    /** module -> {A, B} row-major. */
    private final Map<String, float[][]> values;
    /** module -> {shape A, shape B}. */
    private final Map<String, long[][]> shapes;

    private PeftAdapter(AdapterConfig config, Map<String, float[][]> values, Map<String, long[][]> shapes) {
        this.config = config;
        this.spec = config.toSpec();
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

    /**
     * Reads an adapter directory through {@link PeftAdapterFile}, the one reader of the format: every
     * problem of the config and the tensors is reported at once ({@link AdapterException}).
     */
    public static PeftAdapter load(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String name : List.of(CONFIG, WEIGHTS)) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new AdapterException("not a PEFT adapter directory: " + dir + " lacks " + missing
                    + " (written by PeftAdapter.save / PEFT save_pretrained)");
        }
        try (PeftAdapterFile file = PeftAdapterFile.open(dir)) {
            Map<String, float[][]> values = new LinkedHashMap<>();
            Map<String, long[][]> shapes = new LinkedHashMap<>();
            for (AdapterModule m : file.modules().values()) {
                values.put(m.module(), new float[][] {file.loadA(m), file.loadB(m)});
                shapes.put(m.module(), new long[][] {m.aShape(), m.bShape()});
            }
            return new PeftAdapter(file.config(), values, shapes);
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

    /** W + s * B A for {@code module} as a new array (W [out, in] row-major), computed by {@link LowRankDelta}. */
    public float[] merge(String module, float[] w) {
        float[][] ab = requireModule(module);
        long[][] sh = shapes.get(module);
        int out = (int) sh[1][0];
        int in = (int) sh[0][1];
        if (w.length != (long) out * in) {
            throw new IllegalArgumentException("the weight of " + module + " has " + w.length + " values, the adapter"
                    + " needs [" + out + ", " + in + "]");
        }
        float[] merged = w.clone();
        new LowRankDelta(ab[0], ab[1], (int) sh[0][0], in, scale(module)).addTo(merged, 0, out);
        return merged;
    }

    private float[][] requireModule(String module) {
        float[][] ab = values.get(module);
        if (ab == null) {
            throw new IllegalArgumentException(
                    "the adapter has no weights for module '" + module + "'; it adapts " + values.keySet());
        }
        return ab;
    }

    /** Rank of {@code module}: its first matching rank_pattern key (PEFT's rule), else r. */
    public int rank(String module) {
        return config.rankFor(module);
    }

    public double alpha(String module) {
        return config.alphaFor(module);
    }

    public double scale(String module) {
        return config.scaleFor(module);
    }

    /** Adapted module names, sorted. */
    public List<String> modules() {
        return List.copyOf(values.keySet());
    }

    /** The adapter's LoRA settings as a request-style spec. */
    public LoraSpec spec() {
        return spec;
    }

    public String baseModelNameOrPath() {
        return config.baseModelNameOrPath();
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

package org.lorapipe.tuning.peft;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.model.io.SafetensorsFile;

/**
 * A Hugging Face PEFT LoRA adapter folder read for merging: {@code adapter_config.json} plus
 * {@code adapter_model.safetensors} with keys {@code base_model.model.<module>.lora_A.weight} [r, in]
 * and {@code base_model.model.<module>.lora_B.weight} [out, r]. Tensors stay on disk until
 * {@link #loadA}/{@link #loadB}; both are small (r x features).
 *
 * <p>The one reader of the format: {@link PeftAdapter#load} (evaluation, the CLI, verification) and the
 * merge read through it, so every stage agrees on which tensors an adapter has and on their scales.
 */
public final class PeftAdapterFile implements AutoCloseable {

    public static final String WEIGHTS_FILE = PeftAdapter.WEIGHTS;
    static final String PREFIX = PeftAdapter.PREFIX;
    static final String A_SUFFIX = ".lora_A.weight";
    static final String B_SUFFIX = ".lora_B.weight";

    private final Path dir;
    private final AdapterConfig config;
    private final SafetensorsFile weights;
    private final Map<String, AdapterModule> modules;

    private PeftAdapterFile(
            Path dir, AdapterConfig config, SafetensorsFile weights, Map<String, AdapterModule> modules) {
        this.dir = dir;
        this.config = config;
        this.weights = weights;
        this.modules = modules;
    }

    /** Opens and checks the folder: every key understood, A and B paired, ranks consistent (all problems at once). */
    public static PeftAdapterFile open(Path dir) {
        AdapterConfig config = AdapterConfig.read(dir.resolve(AdapterConfig.FILE_NAME));
        Path file = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new AdapterException("adapter weights not found: " + file);
        }
        SafetensorsFile weights;
        try {
            weights = SafetensorsFile.open(file);
        } catch (ModelFormatException e) {
            throw new AdapterException("adapter " + e.getMessage(), e);
        }
        try {
            return new PeftAdapterFile(dir, config, weights, index(file, config, weights));
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static Map<String, AdapterModule> index(Path file, AdapterConfig config, SafetensorsFile weights) {
        List<String> problems = new ArrayList<>();
        Map<String, String> aKeys = new TreeMap<>();
        Map<String, String> bKeys = new TreeMap<>();
        for (String key : weights.names()) {
            String module = moduleOf(key);
            if (module == null) {
                problems.add("tensor '" + key + "' is not a LoRA A/B weight (expected " + PREFIX + "<module>" + A_SUFFIX
                        + " or " + B_SUFFIX + "; embedding LoRA, DoRA and LoRA biases are not supported)");
            } else if (key.endsWith(A_SUFFIX)) {
                aKeys.put(module, key);
            } else {
                bKeys.put(module, key);
            }
        }
        Map<String, AdapterModule> modules = new LinkedHashMap<>();
        for (String module : union(aKeys, bKeys)) {
            String a = aKeys.get(module);
            String b = bKeys.get(module);
            if (a == null || b == null) {
                problems.add(
                        "module " + module + " has " + (a == null ? "lora_B but no lora_A" : "lora_A but no lora_B"));
                continue;
            }
            long[] as = weights.info(a).shape();
            long[] bs = weights.info(b).shape();
            if (as.length != 2 || bs.length != 2 || as[0] != bs[1]) {
                problems.add("module " + module + ": lora_A " + Arrays.toString(as) + " and lora_B "
                        + Arrays.toString(bs) + " do not form B [out, r] @ A [r, in]");
                continue;
            }
            int rank = (int) as[0];
            int configured = config.rankFor(module);
            if (configured != rank) {
                problems.add("module " + module + ": lora_A '" + a + "' has rank " + rank + " " + Arrays.toString(as)
                        + " but adapter_config.json gives r=" + configured
                        + " (r or rank_pattern); the scale alpha/r would be wrong");
                continue;
            }
            modules.put(module, new AdapterModule(module, a, b, as, bs, rank, config.scaleFor(module)));
        }
        if (modules.isEmpty() && problems.isEmpty()) {
            problems.add("no LoRA tensors at all");
        }
        if (!problems.isEmpty()) {
            throw new AdapterException("adapter " + file + " cannot be used", problems);
        }
        return Collections.unmodifiableMap(modules);
    }

    private static List<String> union(Map<String, String> a, Map<String, String> b) {
        TreeMap<String, String> all = new TreeMap<>(a);
        b.forEach(all::putIfAbsent);
        return List.copyOf(all.keySet());
    }

    /** {@code base_model.model.X.lora_A.weight} -> X, or null when the key is not a LoRA A/B weight. */
    static String moduleOf(String key) {
        if (!key.startsWith(PREFIX)) {
            return null;
        }
        for (String suffix : List.of(A_SUFFIX, B_SUFFIX)) {
            if (key.endsWith(suffix) && key.length() > PREFIX.length() + suffix.length()) {
                return key.substring(PREFIX.length(), key.length() - suffix.length());
            }
        }
        return null;
    }

    public Path dir() {
        return dir;
    }

    public AdapterConfig config() {
        return config;
    }

    /** Adapted modules by HF module name, sorted by name. */
    public Map<String, AdapterModule> modules() {
        return modules;
    }

    /** A [r, in] as fp32 values, row-major. */
    public float[] loadA(AdapterModule m) {
        return values(m.aKey());
    }

    /** B [out, r] as fp32 values, row-major. */
    public float[] loadB(AdapterModule m) {
        return values(m.bKey());
    }

    /** A [r, in] as an fp32 array on {@code manager}. */
    public NDArray loadA(AdapterModule m, NDManager manager) {
        return weights.load(m.aKey(), manager);
    }

    /** B [out, r] as an fp32 array on {@code manager}. */
    public NDArray loadB(AdapterModule m, NDManager manager) {
        return weights.load(m.bKey(), manager);
    }

    private float[] values(String key) {
        try (NDManager m = DjlRuntime.newManager(Device.cpu());
                NDArray a = weights.load(key, m)) {
            return a.toFloatArray();
        }
    }

    @Override
    public void close() {
        weights.close();
    }
}

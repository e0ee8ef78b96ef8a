package org.lorapipe.merging.domain;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.io.DType;
import org.lorapipe.model.io.HfModelExporter;
import org.lorapipe.model.io.SafetensorsCheckpoint;
import org.lorapipe.model.io.SafetensorsWriter;
import org.lorapipe.testkit.TestData;

/** Tiny random base models and hand-built PEFT adapters with non-zero B. */
final class Fixtures {

    private Fixtures() {}

    /** D=32, 4 query heads over 2 kv heads, 2 layers, V=512 (the tok512 llama2.c tokenizer). */
    static LlamaConfig tiny(boolean tied) {
        return LlamaConfig.llama(32, 48, 2, 4, 2, 512, 64, tied);
    }

    /** Exports a random model (HF layout) with the shared tok512 tokenizer as tokenizer.bin. */
    static Path base(Path dir, LlamaConfig config, long seed, long maxShardBytes) throws IOException {
        try (LlamaModel m = LlamaModel.random(config, seed, Device.cpu())) {
            HfModelExporter.write(
                    config, m.asTensorSource(), dir, new HfModelExporter.Options(DType.F32, maxShardBytes));
        }
        Files.copy(sharedData().resolve("models/stories260K/tok512.bin"), dir.resolve("tokenizer.bin"));
        return dir;
    }

    /** One adapted module with its values, as the test computes them independently. */
    record Lora(String module, int rank, int in, int out, float[] a, float[] b) {}

    /** Builds and writes a PEFT adapter; A and B are random normal with the given std. */
    static final class AdapterBuilder {
        private final Map<String, Lora> modules = new LinkedHashMap<>();
        private final ObjectNode config = new ObjectMapper().createObjectNode();
        private final Random rnd;

        AdapterBuilder(int r, double alpha, long seed) {
            config.put("peft_type", "LORA");
            config.put("r", r);
            config.put("lora_alpha", alpha);
            config.put("use_rslora", false);
            config.putObject("rank_pattern");
            config.putObject("alpha_pattern");
            config.putArray("target_modules");
            config.put("base_model_name_or_path", "tiny");
            config.put("task_type", "CAUSAL_LM");
            rnd = new Random(seed);
        }

        AdapterBuilder rankPattern(String key, int r) {
            ((ObjectNode) config.get("rank_pattern")).put(key, r);
            return this;
        }

        AdapterBuilder alphaPattern(String key, double alpha) {
            ((ObjectNode) config.get("alpha_pattern")).put(key, alpha);
            return this;
        }

        AdapterBuilder rslora() {
            config.put("use_rslora", true);
            return this;
        }

        AdapterBuilder module(String module, int rank, int in, int out) {
            float[] a = new float[rank * in];
            float[] b = new float[out * rank];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rnd.nextGaussian() * 0.2);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (rnd.nextGaussian() * 0.2);
            }
            modules.put(module, new Lora(module, rank, in, out, a, b));
            return this;
        }

        Map<String, Lora> modules() {
            return modules;
        }

        Path write(Path dir) throws IOException {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("adapter_config.json"), config.toPrettyString());
            try (NDManager m = DjlRuntime.newManager(Device.cpu())) {
                Map<String, NDArray> arrays = new LinkedHashMap<>();
                for (Lora l : modules.values()) {
                    arrays.put(
                            "base_model.model." + l.module() + ".lora_A.weight",
                            m.create(l.a()).reshape(l.rank(), l.in()));
                    arrays.put(
                            "base_model.model." + l.module() + ".lora_B.weight",
                            m.create(l.b()).reshape(l.out(), l.rank()));
                }
                SafetensorsWriter.writeAll(
                        dir.resolve("adapter_model.safetensors"), arrays, DType.F32, Map.of("format", "pt"));
            }
            return dir;
        }
    }

    /** W + scale * B A in plain float loops, the way PEFT writes it down. */
    static float[] expectedMerge(float[] w, Lora l, double scale) {
        float[] out = w.clone();
        for (int o = 0; o < l.out(); o++) {
            for (int i = 0; i < l.in(); i++) {
                float d = 0;
                for (int k = 0; k < l.rank(); k++) {
                    d += l.b()[o * l.rank() + k] * l.a()[k * l.in() + i];
                }
                out[o * l.in() + i] = (float) (w[o * l.in() + i] + scale * d);
            }
        }
        return out;
    }

    static float[] tensor(Path modelDir, String name) {
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(modelDir);
                NDManager m = DjlRuntime.newManager(Device.cpu());
                NDArray a = c.load(name, m)) {
            return a.toFloatArray();
        }
    }

    static int[][] sequences(int n, int length, int vocab, long seed) {
        Random r = new Random(seed);
        int[][] s = new int[n][length];
        for (int[] row : s) {
            for (int i = 0; i < length; i++) {
                row[i] = r.nextInt(vocab);
            }
        }
        return s;
    }

    /** The test data (see {@link TestData}). */
    static Path sharedData() {
        return TestData.root();
    }
}

package org.lorapipe.merging.domain;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.io.SafetensorsCheckpoint;
import org.lorapipe.model.io.TensorInfo;
import org.lorapipe.model.io.TensorSource;
import org.lorapipe.tuning.nf4.Nf4;
import org.lorapipe.tuning.peft.AdapterModule;
import org.lorapipe.tuning.peft.PeftAdapter;
import org.lorapipe.tuning.peft.PeftAdapterFile;

/**
 * For a QLoRA run: how far the merged model (adapter folded into the ORIGINAL full-precision weights)
 * is from the model the adapter was trained with (NF4 base + adapter).
 *
 * <p>Which weights are quantized follows transformers + bitsandbytes: the decoder layers' linear
 * projections ({@code q k v o gate up down}); embeddings, norms and {@code lm_head} stay in full
 * precision.
 */
public final class Nf4Gap {

    /** Decoder-layer linear weights, the ones bitsandbytes quantizes. */
    static final Pattern QUANTIZED = Pattern.compile("model\\.layers\\.\\d+\\.(self_attn|mlp)\\.[a-z_]+_proj\\.weight");

    private Nf4Gap() {}

    /**
     * @param maxAbsLogitDiff max |logits(full-precision base + adapter) - logits(NF4 base + adapter)|
     *     on the given sequences (NaN when no sequences were given)
     * @param meanAbsWeightDiff per merged (and quantized) tensor, mean |W - nf4(W)|: exactly the
     *     difference between merging into the full-precision and into the dequantized NF4 weight
     */
    public record Report(double maxAbsLogitDiff, Map<String, Double> meanAbsWeightDiff) {}

    /** Both measures; holds two fp32 models in memory at once. */
    public static Report measure(Path baseDir, Path adapterDir, int[][] sequences, int blockSize) {
        DjlRuntime.inferenceMode();
        Map<String, Double> weightDiff = meanAbsWeightDiff(baseDir, adapterDir, blockSize);
        if (sequences.length == 0) {
            return new Report(Double.NaN, weightDiff);
        }
        LlamaConfig config = LlamaConfig.read(baseDir.resolve("config.json"));
        PeftAdapter adapter = PeftAdapter.load(adapterDir);
        try (SafetensorsCheckpoint weights = SafetensorsCheckpoint.open(baseDir);
                LlamaModel full = LlamaModel.create(config, weights, Device.cpu());
                LlamaModel nf4 = LlamaModel.create(config, new Quantizing(weights, blockSize), Device.cpu())) {
            adapter.applyTo(full);
            adapter.applyTo(nf4);
            return new Report(MergeVerification.maxAbsLogitDiff(full, nf4, sequences), weightDiff);
        }
    }

    /** Mean |W - nf4(W)| for each adapted tensor that QLoRA quantizes, streamed tensor by tensor. */
    public static Map<String, Double> meanAbsWeightDiff(Path baseDir, Path adapterDir, int blockSize) {
        Map<String, Double> out = new LinkedHashMap<>();
        try (PeftAdapterFile adapter = Merger.openAdapter(adapterDir);
                SafetensorsCheckpoint weights = SafetensorsCheckpoint.open(baseDir)) {
            for (AdapterModule m : adapter.modules().values()) {
                String name = m.weightName();
                if (!QUANTIZED.matcher(name).matches() || !weights.contains(name)) {
                    continue;
                }
                float[] w;
                try (NDManager nd = DjlRuntime.newManager(Device.cpu());
                        NDArray a = weights.load(name, nd)) {
                    w = a.toFloatArray();
                }
                float[] q = roundTrip(w, blockSize);
                double sum = 0;
                for (int i = 0; i < w.length; i++) {
                    sum += Math.abs(w[i] - q[i]);
                }
                out.put(name, sum / w.length);
            }
        }
        return out;
    }

    /** {@code w} quantized to NF4 exactly as the trainer holds it (lora-tuning's Nf4), then dequantized. */
    static float[] roundTrip(float[] w, int blockSize) {
        return Nf4.dequantize(Nf4.quantize(w, new long[] {w.length}, blockSize, false));
    }

    /** The base weights with every quantized tensor replaced by its NF4 round trip. */
    private record Quantizing(TensorSource source, int blockSize) implements TensorSource {
        @Override
        public List<String> names() {
            return source.names();
        }

        @Override
        public boolean contains(String name) {
            return source.contains(name);
        }

        @Override
        public TensorInfo info(String name) {
            return source.info(name);
        }

        @Override
        public NDArray load(String name, NDManager manager) {
            NDArray a = source.load(name, manager);
            if (!QUANTIZED.matcher(name).matches()) {
                return a;
            }
            try (a) {
                return manager.create(roundTrip(a.toFloatArray(), blockSize), a.getShape());
            }
        }

        @Override
        public void close() {
            // the caller closes the underlying source
        }
    }
}

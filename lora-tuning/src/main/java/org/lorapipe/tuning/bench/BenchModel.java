package org.lorapipe.tuning.bench;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.bench.ModelBenchmark;
import org.lorapipe.tuning.nf4.QuantizedModels;

/**
 * A model the training benchmarks run on, loadable in fp32 or as an NF4 (double-quantized) base, and
 * how the PyTorch reference script names the same model.
 *
 * @param name as printed ({@code stories260K}, {@code synthetic-100M})
 * @param key as given to {@code --only} ({@code stories}, {@code 100m})
 * @param stories the llama2.c file, or null for the synthetic model
 * @param config the synthetic model's shape (null for stories)
 * @param batch sequences per step
 * @param seq tokens per sequence
 */
public record BenchModel(String name, String key, Path stories, LlamaConfig config, int batch, int seq) {

    /** The model benchmark's ~100M Llama, which is also the reference script's {@code 100m}. */
    public static final LlamaConfig SYNTHETIC_100M = ModelBenchmark.synthetic100m();

    public static BenchModel stories(Path bin) {
        return new BenchModel("stories260K", "stories", bin, null, 8, 128);
    }

    public static BenchModel synthetic100m() {
        return new BenchModel("synthetic-100M", "100m", null, SYNTHETIC_100M, 4, 128);
    }

    /** How the QLoRA configurations hold the base: NF4 with double quantization, blocks of 64. */
    public static final QuantizationSpec QLORA = new QuantizationSpec(QuantizationType.NF4, true, 64);

    public LlamaModel load(boolean nf4) {
        QuantizationSpec q = QLORA;
        if (stories != null) {
            return nf4
                    ? QuantizedModels.fromLlama2c(stories, q, Device.cpu())
                    : LlamaModel.fromLlama2c(stories, Device.cpu());
        }
        return nf4 ? QuantizedModels.random(config, 0, q, Device.cpu()) : LlamaModel.random(config, 0, Device.cpu());
    }

    /** The reference script's arguments naming this model and batch. */
    public List<String> torchArgs() {
        List<String> model = stories != null ? List.of("--model", stories.toString()) : List.of("--synthetic", key);
        return Stream.concat(model.stream(), List.of("--batch", "" + batch, "--seq", "" + seq).stream())
                .toList();
    }

    /** This model with another batch shape. */
    public BenchModel withBatch(int batch, int seq) {
        return new BenchModel(name, key, stories, config, batch, seq);
    }

    /** How a child process is told the model: the stories260K.bin path, or the synthetic model's key. */
    public String argument() {
        return stories != null ? stories.toString() : key;
    }

    /** The model an {@link #argument()} names (with the default batch shape). */
    public static BenchModel fromArgument(String argument) {
        return argument.equals(synthetic100m().key()) ? synthetic100m() : stories(Path.of(argument));
    }
}

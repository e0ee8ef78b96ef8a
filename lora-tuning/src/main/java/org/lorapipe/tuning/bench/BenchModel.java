package org.lorapipe.tuning.bench;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
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

    /** dim 768, hidden 2048, 12 layers, 12 heads, 4 kv heads, vocab 32000, tied: as the script's {@code 100m}. */
    public static final LlamaConfig SYNTHETIC_100M = LlamaConfig.llama(768, 2048, 12, 12, 4, 32000, 1024, true);

    public static BenchModel stories(Path bin) {
        return new BenchModel("stories260K", "stories", bin, null, 8, 128);
    }

    public static BenchModel synthetic100m() {
        return new BenchModel("synthetic-100M", "100m", null, SYNTHETIC_100M, 4, 128);
    }

    public LlamaModel load(boolean nf4) {
        QuantizationSpec q = new QuantizationSpec(QuantizationType.NF4, true, 64);
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
        return java.util.stream.Stream.concat(
                        model.stream(), List.of("--batch", "" + batch, "--seq", "" + seq).stream())
                .toList();
    }

    /**
     * stories260K: {@code LORA_STORIES_DIR}, then {@code shared/data/models/stories260K} beside any folder
     * above the working directory or the project root; null when it is nowhere.
     */
    public static Path findStories() {
        String env = System.getenv("LORA_STORIES_DIR");
        if (env != null && Files.isRegularFile(Path.of(env, "stories260K.bin"))) {
            return Path.of(env, "stories260K.bin");
        }
        String root = System.getProperty("lora.project.root");
        for (Path start : root == null
                ? List.of(Path.of("").toAbsolutePath())
                : List.of(Path.of(root).toAbsolutePath(), Path.of("").toAbsolutePath())) {
            for (Path p = start; p != null; p = p.getParent()) {
                Path c = p.resolve("shared/data/models/stories260K/stories260K.bin");
                if (Files.isRegularFile(c)) {
                    return c.normalize();
                }
            }
        }
        return null;
    }
}

package org.lorapipe.model.io;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;

/**
 * Writes the model part of a Hugging Face directory: {@code config.json}, {@code model.safetensors}
 * (or {@code model-0000i-of-0000n.safetensors} shards plus {@code model.safetensors.index.json}) and
 * {@code generation_config.json}. Tensors are loaded from the source and written one at a time.
 * Tokenizer files are the caller's (see {@link org.lorapipe.model.ModelImport}).
 */
public final class HfModelExporter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param dtype storage dtype of every tensor
     * @param maxShardBytes shard when the weights exceed this many bytes (HF's default is 5 GB)
     */
    public record Options(DType dtype, long maxShardBytes) {
        public static Options defaults() {
            return new Options(DType.F32, 5_000_000_000L);
        }
    }

    private HfModelExporter() {}

    /** Writes config.json, the weights and generation_config.json; returns the files written. */
    public static List<Path> write(LlamaConfig config, TensorSource source, Path dir, Options options)
            throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        LlamaConfig stored = config.withTorchDtype(options.dtype().torchName());
        stored.write(dir.resolve("config.json"));
        written.add(dir.resolve("config.json"));
        written.addAll(writeWeights(
                LlamaModel.expectedTensors(config).keySet().stream().toList(), source, dir, options));
        writeGenerationConfig(config, dir);
        written.add(dir.resolve("generation_config.json"));
        return written;
    }

    /** Writes the named tensors of {@code source}, sharded when larger than {@code maxShardBytes}. */
    public static List<Path> writeWeights(List<String> names, TensorSource source, Path dir, Options options)
            throws IOException {
        List<TensorInfo> tensors = new ArrayList<>();
        for (String name : names) {
            tensors.add(TensorInfo.of(name, options.dtype(), source.info(name).shape()));
        }
        return ShardedSafetensors.write(dir, tensors, options.maxShardBytes(), (w, t) -> {
                    try (NDManager m = DjlRuntime.newManager(Device.cpu())) {
                        w.write(t.name(), source.load(t.name(), m));
                    }
                })
                .files();
    }

    public static void writeGenerationConfig(LlamaConfig config, Path dir) throws IOException {
        ObjectNode g = JSON.createObjectNode();
        g.put("_from_model_config", true);
        g.put("bos_token_id", config.bosTokenId());
        g.put("eos_token_id", config.eosTokenId());
        g.put("max_length", config.maxPositionEmbeddings());
        Files.writeString(dir.resolve("generation_config.json"), JSON.writeValueAsString(g) + "\n");
    }
}

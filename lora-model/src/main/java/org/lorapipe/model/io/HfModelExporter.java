package org.lorapipe.model.io;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        List<List<TensorInfo>> shards = new ArrayList<>();
        List<TensorInfo> current = new ArrayList<>();
        long currentBytes = 0;
        long total = 0;
        for (String name : names) {
            TensorInfo t =
                    TensorInfo.of(name, options.dtype(), source.info(name).shape());
            long bytes = t.byteSize();
            if (!current.isEmpty() && currentBytes + bytes > options.maxShardBytes()) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(t);
            currentBytes += bytes;
            total += bytes;
        }
        shards.add(current);
        Map<String, String> meta = Map.of("format", "pt");
        List<Path> files = new ArrayList<>();
        if (shards.size() == 1) {
            Path f = dir.resolve(SafetensorsCheckpoint.SINGLE_FILE);
            writeFile(f, shards.get(0), source, meta);
            files.add(f);
            return files;
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        Map<String, String> byName = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String fileName = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            Path f = dir.resolve(fileName);
            writeFile(f, shards.get(i), source, meta);
            files.add(f);
            shards.get(i).forEach(t -> byName.put(t.name(), fileName));
        }
        byName.forEach(weightMap::put);
        Path indexFile = dir.resolve(SafetensorsCheckpoint.INDEX_FILE);
        Files.writeString(indexFile, JSON.writeValueAsString(index) + "\n");
        files.add(indexFile);
        return files;
    }

    private static void writeFile(Path file, List<TensorInfo> tensors, TensorSource source, Map<String, String> meta)
            throws IOException {
        try (SafetensorsWriter w = SafetensorsWriter.create(file, tensors, meta)) {
            for (TensorInfo t : tensors) {
                try (NDManager m = DjlRuntime.newManager(Device.cpu())) {
                    NDArray a = source.load(t.name(), m);
                    w.write(t.name(), a);
                }
            }
        }
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

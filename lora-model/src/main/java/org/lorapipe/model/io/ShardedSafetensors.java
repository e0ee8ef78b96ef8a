package org.lorapipe.model.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The weights of a Hugging Face model directory, written the way {@code transformers} shards them: one
 * {@code model.safetensors} when everything fits in {@code maxShardBytes}, else
 * {@code model-0000i-of-0000n.safetensors} files cut at tensor boundaries plus
 * {@code model.safetensors.index.json} (total size and which file holds each tensor). The caller writes
 * each tensor into its open file, so a tensor is produced (loaded, merged, converted) only when it is
 * written and never the whole model at once. The one sharded writer of the project: the importer and
 * the merge both use it.
 */
public final class ShardedSafetensors {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<String, String> METADATA = Map.of("format", "pt");

    /** Writes one tensor, declared by {@code t}, into the file being written. */
    @FunctionalInterface
    public interface TensorProducer {
        void write(SafetensorsWriter file, TensorInfo t) throws IOException;
    }

    /** The files written (index last when sharded) and the tensor bytes in them. */
    public record Written(List<Path> files, long tensorBytes) {}

    private ShardedSafetensors() {}

    /** Shard file name {@code i} (from 0) of {@code n}, as transformers names them. */
    public static String shardName(int i, int n) {
        return String.format("model-%05d-of-%05d.safetensors", i + 1, n);
    }

    /** Writes {@code tensors} in order into {@code dir}, one file or shards of at most {@code maxShardBytes}. */
    public static Written write(Path dir, List<TensorInfo> tensors, long maxShardBytes, TensorProducer producer)
            throws IOException {
        List<List<TensorInfo>> shards = new ArrayList<>();
        List<TensorInfo> current = new ArrayList<>();
        long currentBytes = 0;
        long total = 0;
        for (TensorInfo t : tensors) {
            long bytes = t.byteSize();
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(t);
            currentBytes = Math.addExact(currentBytes, bytes);
            total = Math.addExact(total, bytes);
        }
        shards.add(current);
        List<Path> files = new ArrayList<>();
        if (shards.size() == 1) {
            Path f = dir.resolve(SafetensorsCheckpoint.SINGLE_FILE);
            writeFile(f, shards.get(0), producer);
            files.add(f);
            return new Written(files, total);
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String fileName = shardName(i, shards.size());
            Path f = dir.resolve(fileName);
            writeFile(f, shards.get(i), producer);
            files.add(f);
            shards.get(i).forEach(t -> weightMap.put(t.name(), fileName));
        }
        Path indexFile = dir.resolve(SafetensorsCheckpoint.INDEX_FILE);
        Files.writeString(indexFile, JSON.writeValueAsString(index) + "\n");
        files.add(indexFile);
        return new Written(files, total);
    }

    private static void writeFile(Path file, List<TensorInfo> tensors, TensorProducer producer) throws IOException {
        try (SafetensorsWriter w = SafetensorsWriter.create(file, tensors, METADATA)) {
            for (TensorInfo t : tensors) {
                producer.write(w, t);
            }
        }
    }
}

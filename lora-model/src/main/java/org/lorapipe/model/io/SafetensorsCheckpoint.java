package org.lorapipe.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.lorapipe.model.ModelFormatException;

/**
 * The weights of a Hugging Face model directory: {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json} ({"weight_map": {tensor: shard file}}). Shards are opened once
 * and read tensor by tensor.
 */
public final class SafetensorsCheckpoint implements TensorSource {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, SafetensorsFile> byTensor;
    private final List<SafetensorsFile> files;

    private SafetensorsCheckpoint(Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> files) {
        this.byTensor = byTensor;
        this.files = files;
    }

    /** True when {@code dir} holds a single-file or sharded safetensors checkpoint. */
    public static boolean isPresent(Path dir) {
        return Files.isRegularFile(dir.resolve(INDEX_FILE)) || Files.isRegularFile(dir.resolve(SINGLE_FILE));
    }

    public static SafetensorsCheckpoint open(Path dir) {
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openSharded(dir, index);
        }
        Path single = dir.resolve(SINGLE_FILE);
        if (!Files.isRegularFile(single)) {
            String hint = Files.exists(dir.resolve("pytorch_model.bin"))
                    ? "; pytorch_model.bin (pickle) is not supported: convert it to safetensors"
                    : "";
            throw new ModelFormatException(
                    "no weights in " + dir + ": expected " + SINGLE_FILE + " or " + INDEX_FILE + hint);
        }
        SafetensorsFile f = SafetensorsFile.open(single);
        Map<String, SafetensorsFile> map = new LinkedHashMap<>();
        f.names().forEach(n -> map.put(n, f));
        return new SafetensorsCheckpoint(map, List.of(f));
    }

    private static SafetensorsCheckpoint openSharded(Path dir, Path index) {
        JsonNode weightMap;
        try {
            weightMap = JSON.readTree(Files.readString(index)).get("weight_map");
        } catch (IOException e) {
            throw new ModelFormatException(index + " is not valid JSON: " + e.getMessage(), e);
        }
        if (weightMap == null || !weightMap.isObject()) {
            throw new ModelFormatException(index + " has no \"weight_map\" object {tensor name: shard file}");
        }
        Map<String, String> tensorToShard = new LinkedHashMap<>();
        weightMap
                .fields()
                .forEachRemaining(
                        e -> tensorToShard.put(e.getKey(), e.getValue().asText()));
        List<String> missingFiles = new ArrayList<>();
        for (String shard : new TreeSet<>(tensorToShard.values())) {
            if (shard.contains("/") || shard.contains("\\") || !Files.isRegularFile(dir.resolve(shard))) {
                missingFiles.add(shard);
            }
        }
        if (!missingFiles.isEmpty()) {
            throw new ModelFormatException(
                    index + " lists shard file(s) " + missingFiles + " that are missing from " + dir);
        }
        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        try {
            for (String shard : new TreeSet<>(tensorToShard.values())) {
                opened.put(shard, SafetensorsFile.open(dir.resolve(shard)));
            }
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, String> e : tensorToShard.entrySet()) {
                SafetensorsFile f = opened.get(e.getValue());
                if (!f.contains(e.getKey())) {
                    problems.add("'" + e.getKey() + "' is not in " + e.getValue());
                } else {
                    byTensor.put(e.getKey(), f);
                }
            }
            if (!problems.isEmpty()) {
                throw new ModelFormatException(index + " disagrees with its shards: " + String.join("; ", problems));
            }
        } catch (RuntimeException e) {
            opened.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new SafetensorsCheckpoint(byTensor, List.copyOf(opened.values()));
    }

    public List<Path> files() {
        return files.stream().map(SafetensorsFile::file).toList();
    }

    @Override
    public List<String> names() {
        return List.copyOf(byTensor.keySet());
    }

    @Override
    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new ModelFormatException("checkpoint " + files() + " has no tensor named '" + name + "'");
        }
        return f.info(name);
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        info(name);
        return byTensor.get(name).load(name, manager);
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}

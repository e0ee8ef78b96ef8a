package org.lorapipe.tuning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.io.DType;
import org.lorapipe.model.io.SafetensorsFile;
import org.lorapipe.model.io.SafetensorsWriter;
import org.lorapipe.model.io.TensorInfo;

/**
 * Everything needed to continue a run as if it had never stopped: the trainable tensors, the optimizer
 * state and step count, the optimizer steps done, and the data position (epoch, next micro-batch of
 * that epoch). The random state is a pure function of (seed, epoch, micro-batch): the epoch's data
 * order is a Fisher-Yates shuffle with {@code SplittableRandom(mix(seed, epoch))} and dropout masks
 * are keyed by (seed, epoch, micro-batch, module), so seed + position restore it exactly.
 *
 * <p>On disk: {@code state.json} (counters, shapes, seed) and {@code tensors.safetensors} (fp32,
 * {@code param.<name>} and {@code optim.<kind>.<name>}).
 */
public record TrainingState(
        long step,
        long totalSteps,
        int epoch,
        int microBatch,
        long seed,
        int datasetSize,
        String optimizer,
        long optimizerSteps,
        Map<String, float[]> parameters,
        Map<String, long[]> shapes,
        Map<String, float[]> optimizerState) {

    public static final String STATE_JSON = "state.json";
    public static final String TENSORS = "tensors.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TrainingState {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
        optimizerState = Collections.unmodifiableMap(new LinkedHashMap<>(optimizerState));
    }

    /** Writes the state into {@code dir} (created if needed); each file is replaced atomically. */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            List<TensorInfo> specs = new ArrayList<>();
            Map<String, float[]> all = new LinkedHashMap<>();
            parameters.forEach((k, v) -> {
                specs.add(TensorInfo.of("param." + k, DType.F32, shapes.get(k)));
                all.put("param." + k, v);
            });
            optimizerState.forEach((k, v) -> {
                String param = k.substring(k.indexOf('.') + 1);
                specs.add(TensorInfo.of("optim." + k, DType.F32, shapes.get(param)));
                all.put("optim." + k, v);
            });
            try (SafetensorsWriter w = SafetensorsWriter.create(dir.resolve(TENSORS), specs, Map.of("format", "pt"))) {
                for (Map.Entry<String, float[]> e : all.entrySet()) {
                    float[] v = e.getValue();
                    w.write(e.getKey(), (first, count, dst) -> {
                        dst.order(ByteOrder.nativeOrder());
                        for (int i = 0; i < count; i++) {
                            dst.putFloat(i * 4, v[(int) first + i]);
                        }
                    });
                }
            }
            ObjectNode root = JSON.createObjectNode();
            root.put("formatVersion", 1);
            root.put("step", step);
            root.put("totalSteps", totalSteps);
            root.put("epoch", epoch);
            root.put("microBatch", microBatch);
            root.put("seed", seed);
            root.put("datasetSize", datasetSize);
            root.put("optimizer", optimizer);
            root.put("optimizerSteps", optimizerSteps);
            ObjectNode rng = root.putObject("rng");
            rng.put("dataOrder", "Fisher-Yates with SplittableRandom(mix(seed, epoch))");
            rng.put("dropout", "SplittableRandom(mix(mix(seed, epoch, microBatch), module))");
            ObjectNode sh = root.putObject("shapes");
            shapes.forEach((k, v) -> {
                var arr = sh.putArray(k);
                for (long d : v) {
                    arr.add(d);
                }
            });
            var kinds = root.putArray("optimizerTensors");
            optimizerState.keySet().forEach(kinds::add);
            Path tmp = dir.resolve(STATE_JSON + ".partial");
            JSON.writeValue(tmp.toFile(), root);
            Files.move(
                    tmp, dir.resolve(STATE_JSON), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save training state to " + dir, e);
        }
    }

    /** Reads a state written by {@link #save}. */
    public static TrainingState load(Path dir) {
        Path json = dir.resolve(STATE_JSON);
        Path tensors = dir.resolve(TENSORS);
        if (!Files.isRegularFile(json) || !Files.isRegularFile(tensors)) {
            throw new IllegalArgumentException("no training state in " + dir + ": expected " + STATE_JSON + " and "
                    + TENSORS + " (written by TrainingState.save)");
        }
        try {
            JsonNode root = JSON.readTree(json.toFile());
            Map<String, long[]> shapes = new LinkedHashMap<>();
            root.get("shapes").fields().forEachRemaining(e -> {
                long[] s = new long[e.getValue().size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = e.getValue().get(i).asLong();
                }
                shapes.put(e.getKey(), s);
            });
            Map<String, float[]> params = new LinkedHashMap<>();
            Map<String, float[]> optim = new LinkedHashMap<>();
            try (SafetensorsFile f = SafetensorsFile.open(tensors);
                    NDManager m = DjlRuntime.newManager(DjlRuntime.defaultDevice())) {
                for (String name : shapes.keySet()) {
                    params.put(name, read(f, "param." + name, m));
                }
                for (JsonNode k : root.get("optimizerTensors")) {
                    optim.put(k.asText(), read(f, "optim." + k.asText(), m));
                }
            }
            return new TrainingState(
                    root.get("step").asLong(),
                    root.get("totalSteps").asLong(),
                    root.get("epoch").asInt(),
                    root.get("microBatch").asInt(),
                    root.get("seed").asLong(),
                    root.get("datasetSize").asInt(),
                    root.get("optimizer").asText(),
                    root.get("optimizerSteps").asLong(),
                    params,
                    shapes,
                    optim);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read training state from " + dir, e);
        }
    }

    private static float[] read(SafetensorsFile f, String name, NDManager m) {
        if (!f.contains(name)) {
            throw new IllegalArgumentException(f.file() + " lacks tensor '" + name + "'");
        }
        try (NDArray a = f.load(name, m)) {
            return a.toFloatArray();
        }
    }
}

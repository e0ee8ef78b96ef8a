package org.lorapipe.merging.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.lorapipe.merging.domain.MergeResult;
import org.lorapipe.merging.domain.Merger;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.NativeMemoryPolicy;
import org.lorapipe.model.io.DType;
import org.lorapipe.model.io.SafetensorsCheckpoint;
import org.lorapipe.model.io.SafetensorsWriter;
import org.lorapipe.model.io.TensorInfo;

/**
 * Merge throughput and peak memory on synthetic checkpoints (printed figures, not a test).
 *
 * <p>For each size a random fp32 Llama checkpoint in 4 shards and an all-linear r=16 adapter are
 * streamed to a temp folder (never one whole array), then merged in a fresh JVM so that its
 * {@code VmHWM} (peak RSS) is the merge's alone. Both sizes share the width (d=2048, V=32000, tied
 * embeddings), so the largest tensor is the same and only the number of layers differs: a streaming
 * merge must show the same peak RSS for both. Temp files are deleted at the end.
 *
 * <pre>
 *   lora bench merge [--tmp DIR]     (or: java -cp ... org.lorapipe.merging.bench.MergeBenchmark [TMP_ROOT])
 * </pre>
 */
public final class MergeBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String CHILD_HEAP = "-Xmx512m";

    private MergeBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("merge-one")) {
            mergeOne(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
            return;
        }
        Path root = Files.createTempDirectory(
                args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir")), "merge-bench-");
        List<String> rows = new ArrayList<>();
        try {
            for (int layers : new int[] {1, 9}) {
                LlamaConfig config = LlamaConfig.llama(2048, 5632, layers, 16, 16, 32000, 2048, true);
                Path base = root.resolve("base-" + layers);
                Path adapter = root.resolve("adapter-" + layers);
                long t0 = System.nanoTime();
                long bytes = writeBase(config, base, 4);
                writeAdapter(config, adapter, 16);
                System.out.printf(
                        "generated %d-layer base: %.2f GB in 4 shards in %.1f s%n",
                        layers, bytes / 1e9, (System.nanoTime() - t0) / 1e9);
                String line = runChild(base, adapter, root.resolve("merged-" + layers));
                rows.add(String.format("%6d | %10.1f | %s", layers, config.parameterCount() / 1e6, line));
                deleteRecursively(base);
                deleteRecursively(adapter);
                deleteRecursively(root.resolve("merged-" + layers));
            }
        } finally {
            deleteRecursively(root);
        }
        System.out.println();
        System.out.println("layers | params (M) | base GB | merged GB | shards out | merge s | MB/s (in) "
                + "| RSS before MB | peak RSS MB | largest tensor MB");
        rows.forEach(System.out::println);
    }

    /** Runs one merge in a fresh JVM (own VmHWM) and returns its table cells. */
    private static String runChild(Path base, Path adapter, Path out) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                java,
                CHILD_HEAP,
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                MergeBenchmark.class.getName(),
                "merge-one",
                base.toString(),
                adapter.toString(),
                out.toString());
        pb.environment().put("DJL_OFFLINE", "true");
        NativeMemoryPolicy.ofProject().applyTo(pb.environment());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String result = null;
        for (String l : new String(p.getInputStream().readAllBytes()).split("\n")) {
            if (l.startsWith("RESULT ")) {
                result = l.substring(7);
            } else {
                System.out.println("  [merge] " + l);
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new IllegalStateException("merge child failed (exit " + p.exitValue() + ")");
        }
        return result;
    }

    private static void mergeOne(Path base, Path adapter, Path out) throws IOException {
        long largest;
        long baseBytes = 0;
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(base)) {
            largest = c.names().stream()
                    .mapToLong(n -> c.info(n).byteSize())
                    .max()
                    .orElse(0);
            for (String n : c.names()) {
                baseBytes += c.info(n).byteSize();
            }
        }
        try (var m = DjlRuntime.newManager(ai.djl.Device.cpu())) {
            m.zeros(new ai.djl.ndarray.types.Shape(1)).close(); // engine loaded: the RSS the merge starts from
        }
        long before = status("VmRSS");
        long t0 = System.nanoTime();
        MergeResult r = Merger.merge(base, adapter, out, new Merger.Options(DType.F32, 600_000_000L));
        double s = (System.nanoTime() - t0) / 1e9;
        long shards = r.files().stream()
                .filter(f -> f.path().endsWith(".safetensors"))
                .count();
        System.out.printf(
                "RESULT %7.2f | %9.2f | %10d | %7.1f | %10.0f | %11.0f | %17.0f | %.0f%n",
                baseBytes / 1e9,
                r.weightBytes() / 1e9,
                shards,
                s,
                baseBytes / 1e6 / s,
                before / 1024.0,
                status("VmHWM") / 1024.0,
                largest / 1e6);
    }

    /** A /proc/self/status field in kB. */
    private static long status(String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith(field + ":")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Random fp32 weights (norms 1) in {@code shards} files of about equal size, streamed chunk by chunk. */
    static long writeBase(LlamaConfig config, Path dir, int shards) throws IOException {
        Files.createDirectories(dir);
        config.write(dir.resolve("config.json"));
        Map<String, long[]> expected = LlamaModel.expectedTensors(config);
        long total = expected.values().stream()
                .mapToLong(s -> TensorInfo.elementCount(s) * 4)
                .sum();
        List<List<TensorInfo>> files = new ArrayList<>();
        List<TensorInfo> current = new ArrayList<>();
        long acc = 0;
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TensorInfo t = TensorInfo.of(e.getKey(), DType.F32, e.getValue());
            if (!current.isEmpty()
                    && acc + t.byteSize() > (files.size() + 1) * (total / shards)
                    && files.size() < shards - 1) {
                files.add(current);
                current = new ArrayList<>();
            }
            current.add(t);
            acc += t.byteSize();
        }
        files.add(current);
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode map = index.putObject("weight_map");
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < files.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, files.size());
            try (SafetensorsWriter w =
                    SafetensorsWriter.create(dir.resolve(name), files.get(i), Map.of("format", "pt"))) {
                for (TensorInfo t : files.get(i)) {
                    boolean norm = t.name().endsWith("norm.weight");
                    w.write(t.name(), (first, count, dst) -> fill(dst.asFloatBuffer(), count, norm, rnd));
                    map.put(t.name(), name);
                }
            }
        }
        Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), JSON.writeValueAsString(index));
        return total;
    }

    private static void fill(FloatBuffer out, int count, boolean norm, SplittableRandom rnd) {
        for (int i = 0; i < count; i++) {
            out.put(i, norm ? 1f : (float) (rnd.nextDouble() - 0.5) * 0.04f);
        }
    }

    /** An all-linear PEFT adapter of rank r with random A and B. */
    static void writeAdapter(LlamaConfig config, Path dir, int r) throws IOException {
        Files.createDirectories(dir);
        ObjectNode c = JSON.createObjectNode();
        c.put("peft_type", "LORA").put("r", r).put("lora_alpha", 2 * r).put("use_rslora", false);
        c.putObject("rank_pattern");
        c.putObject("alpha_pattern");
        c.putArray("target_modules").add("all-linear");
        Files.writeString(dir.resolve("adapter_config.json"), JSON.writeValueAsString(c));
        List<TensorInfo> tensors = new ArrayList<>();
        for (Map.Entry<String, long[]> e : LlamaModel.expectedTensors(config).entrySet()) {
            String n = e.getKey();
            if (n.contains("_proj.weight")) {
                String module = n.substring(0, n.length() - ".weight".length());
                tensors.add(
                        TensorInfo.of("base_model.model." + module + ".lora_A.weight", DType.F32, r, e.getValue()[1]));
                tensors.add(
                        TensorInfo.of("base_model.model." + module + ".lora_B.weight", DType.F32, e.getValue()[0], r));
            }
        }
        SplittableRandom rnd = new SplittableRandom(7);
        try (SafetensorsWriter w =
                SafetensorsWriter.create(dir.resolve("adapter_model.safetensors"), tensors, Map.of())) {
            for (TensorInfo t : tensors) {
                w.write(t.name(), (first, count, dst) -> fill(dst.asFloatBuffer(), count, false, rnd));
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

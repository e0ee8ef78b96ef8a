package org.lorapipe.model.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.KvCache;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.generate.Sampler;

/**
 * Throughput of the model engine (not a test: timings swing with machine load, compare runs made
 * back to back). For stories260K and a synthetic ~100M Llama (random weights):
 *
 * <ul>
 *   <li>forward tokens/s on a [B, T] batch (what training and scoring see),
 *   <li>greedy generation tokens/s with the KV cache,
 *   <li>the same greedy generation recomputing the whole sequence every step (no cache), same process;
 *   <li>the fp32 matmul peak ({@link MatmulPeak}), the ceiling for a training step's GFLOP/s.
 * </ul>
 *
 * Usage: {@code ModelBenchmark [--stories PATH/stories260K.bin] [--threads 1,2] [--skip-100m] [--gen-100m N]}.
 * Every figure is measured once per PyTorch intra-op thread count (switched at run time). Defaults run
 * in about a minute and a half on 2 cores. Note: when other processes keep the cores busy, 2 OpenMP
 * threads can be several times slower than 1 on small ops; the per-thread-count figures show it.
 */
public final class ModelBenchmark {

    /** dim 768, hidden 2048, 12 layers, 12 heads, 4 kv heads, vocab 32000, tied: ~100M parameters. */
    public static LlamaConfig synthetic100m() {
        return LlamaConfig.llama(768, 2048, 12, 12, 4, 32000, 1024, true);
    }

    private ModelBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path stories = null;
        boolean skip100m = false;
        int gen100m = 64;
        int[] threads = {1, 2};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--stories" -> stories = Path.of(args[++i]);
                case "--skip-100m" -> skip100m = true;
                case "--gen-100m" -> gen100m = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Arrays.stream(args[++i].split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (stories == null || !Files.isRegularFile(stories)) {
            throw new IllegalArgumentException("--stories must name stories260K.bin, got " + stories
                    + " (`lora bench model` finds it as `lora demo` does)");
        }
        DjlRuntime.inferenceMode();
        System.out.printf(
                "cores=%d, java=%s, load average %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());
        for (int t : threads) {
            JniUtils.setNumThreads(t);
            System.out.printf(
                    "fp32 matmul peak, 1024 x 1024, threads=%d: %.1f GFLOP/s%n",
                    DjlRuntime.threads(), MatmulPeak.gflops());
        }
        try (LlamaModel m = LlamaModel.fromLlama2c(stories, Device.cpu())) {
            for (int t : threads) {
                JniUtils.setNumThreads(t);
                run("stories260K threads=" + DjlRuntime.threads(), m, 8, 256, 3, 256, 256);
            }
        }
        if (!skip100m) {
            long t0 = System.nanoTime();
            try (LlamaModel m = LlamaModel.random(synthetic100m(), 1, Device.cpu())) {
                System.out.printf(
                        "synthetic-100m: %,d parameters, built in %.1f s%n",
                        m.config().parameterCount(), (System.nanoTime() - t0) / 1e9);
                for (int t : threads) {
                    JniUtils.setNumThreads(t);
                    run("synthetic-100m threads=" + DjlRuntime.threads(), m, 4, 256, 3, gen100m, gen100m);
                }
            }
        }
        System.out.printf("load average at the end %s%n", loadAverage());
        System.out.printf("rss: VmRSS %s, VmHWM %s%n", procStatus("VmRSS"), procStatus("VmHWM"));
    }

    private static void run(
            String name, LlamaModel model, int batch, int seqLen, int reps, int genTokens, int recomputeTokens) {
        int vocab = model.config().vocabSize();
        Random rnd = new Random(0);
        long[] ids = new long[batch * seqLen];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 3 + rnd.nextInt(vocab - 3);
        }
        // forward throughput: one warm-up, then the median of reps
        double[] secs = new double[reps];
        for (int r = -1; r < reps; r++) {
            try (NDManager m = model.manager().newSubManager()) {
                NDArray input = m.create(ids).reshape(batch, seqLen);
                long t = System.nanoTime();
                model.forward(input, null, null).getFloat(0, 0, 0); // forces the computation
                if (r >= 0) {
                    secs[r] = (System.nanoTime() - t) / 1e9;
                }
            }
        }
        Arrays.sort(secs);
        double fwd = batch * seqLen / secs[reps / 2];
        System.out.printf(
                "%s forward: %,.0f tokens/s (batch %d x %d, median of %d: %.3f s)%n",
                name, fwd, batch, seqLen, reps, secs[reps / 2]);

        generateCached(model, 4); // warm-up
        long t = System.nanoTime();
        generateCached(model, genTokens);
        double cachedSecs = (System.nanoTime() - t) / 1e9;
        System.out.printf(
                "%s greedy generation with KV cache: %,.1f tokens/s (%d tokens, %.2f s)%n",
                name, genTokens / cachedSecs, genTokens, cachedSecs);

        t = System.nanoTime();
        int[] recomputed = generateRecompute(model, recomputeTokens);
        double recSecs = (System.nanoTime() - t) / 1e9;
        t = System.nanoTime();
        int[] cachedSame = generateCached(model, recomputeTokens);
        double cachedSameSecs = (System.nanoTime() - t) / 1e9;
        boolean same = Arrays.equals(recomputed, cachedSame);
        System.out.printf(
                "%s KV cache vs recompute over %d tokens: cached %,.1f tokens/s, recompute %,.1f tokens/s,"
                        + " speed-up %.1fx, same tokens: %s%n",
                name,
                recomputeTokens,
                recomputeTokens / cachedSameSecs,
                recomputeTokens / recSecs,
                recSecs / cachedSameSecs,
                same);
    }

    /** Greedy from BOS with the KV cache; returns the generated ids. */
    static int[] generateCached(LlamaModel model, int n) {
        int[] out = new int[n];
        int token = 1;
        try (KvCache cache = model.newCache()) {
            for (int i = 0; i < n; i++) {
                try (NDManager m = model.manager().newSubManager()) {
                    float[] logits = model.forwardLast(
                                    m.create(new long[] {token}).reshape(1, 1), null, cache)
                            .toFloatArray();
                    token = Sampler.argmax(logits);
                    out[i] = token;
                }
            }
        }
        return out;
    }

    /** Greedy from BOS re-running the whole prefix at every step (what a cache-less decoder does). */
    static int[] generateRecompute(LlamaModel model, int n) {
        long[] seq = new long[n + 1];
        seq[0] = 1;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            try (NDManager m = model.manager().newSubManager()) {
                NDArray input = m.create(Arrays.copyOf(seq, i + 1)).reshape(1, i + 1);
                float[] logits = model.forwardLast(input, null, null).toFloatArray();
                out[i] = Sampler.argmax(logits);
                seq[i + 1] = out[i];
            }
        }
        return out;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String procStatus(String key) {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith(key + ":"))
                    .map(l -> l.substring(key.length() + 1).trim())
                    .findFirst()
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}

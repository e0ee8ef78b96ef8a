package org.lorapipe.evaluation.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.lorapipe.evaluation.domain.Benchmark;
import org.lorapipe.evaluation.domain.EvalModel;
import org.lorapipe.evaluation.domain.LoglikelihoodRequest;
import org.lorapipe.evaluation.domain.ModelVariant;
import org.lorapipe.evaluation.domain.MultipleChoiceItem;
import org.lorapipe.evaluation.domain.MultipleChoiceTask;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.model.tokenizer.Tokenizers;

/**
 * Throughput of multiple-choice scoring (not a test: timings swing with machine load; compare runs
 * made back to back). ARC-Easy-Dev through {@link MultipleChoiceTask} for stories260K and for a
 * synthetic ~100M Llama (random weights, stories' tokenizer), at several batch sizes and PyTorch
 * thread counts. "Tokens" are every token fed to the model (BOS + context + continuation, per choice),
 * "scored" the continuation tokens whose log-probability counts.
 *
 * <p>Usage ({@code lora bench eval} finds the model and the file): {@code EvalBenchmark --model DIR --file
 * ARC-Easy-Dev.jsonl [--items N] [--items-100m N] [--threads 1,2] [--batches 1,8,16]}, DIR holding stories260K
 * in the Hugging Face layout.
 */
public final class EvalBenchmark {

    private EvalBenchmark() {}

    public static void main(String[] args) throws Exception {
        int items = 570;
        int items100m = 50;
        int[] threads = {1, 2};
        int[] batches = {1, 8, 16};
        Path stories = null;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> stories = Path.of(args[++i]);
                case "--file" -> file = Path.of(args[++i]);
                case "--items" -> items = Integer.parseInt(args[++i]);
                case "--items-100m" -> items100m = Integer.parseInt(args[++i]);
                case "--threads" -> threads = ints(args[++i]);
                case "--batches" -> batches = ints(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        DjlRuntime.inferenceMode();
        System.out.printf("cores=%d, load average %s%n", Runtime.getRuntime().availableProcessors(), loadAverage());
        if (stories == null || file == null) {
            throw new IllegalArgumentException("--model DIR and --file ARC-Easy-Dev.jsonl are required");
        }
        Benchmark arc = Benchmark.read(file);
        try (EvalModel model = ModelVariant.directory(stories).load()) {
            for (int t : threads) {
                JniUtils.setNumThreads(t);
                for (int b : batches) {
                    measure("stories260K", model, arc.limit(items), b, t);
                }
            }
        }
        if (items100m > 0) {
            LlamaConfig c = LlamaConfig.llama(768, 2048, 12, 12, 4, 32000, 1024, true);
            TextTokenizer tok = Tokenizers.load(stories);
            try (EvalModel model = new EvalModel(LlamaModel.random(c, 1, Device.cpu()), tok)) {
                System.out.printf("synthetic-100m: %,d parameters%n", c.parameterCount());
                for (int t : threads) {
                    JniUtils.setNumThreads(t);
                    for (int b : new int[] {1, 8}) {
                        measure("synthetic-100m", model, arc.limit(items100m), b, t);
                    }
                }
            }
        }
    }

    private static void measure(String name, EvalModel model, Benchmark bench, int batch, int threads) {
        MultipleChoiceTask.run(model, bench.limit(Math.min(10, bench.items().size())), batch); // warm-up
        long fed = 0;
        long scored = 0;
        for (MultipleChoiceItem item : bench.items()) {
            String ctx = bench.style().context(item, bench.subject());
            for (String cont : bench.style().continuations(item)) {
                LoglikelihoodRequest r = LoglikelihoodRequest.encode(model.tokenizer(), ctx, cont);
                fed += r.length() - 1;
                scored += r.continuation().length;
            }
        }
        long t0 = System.nanoTime();
        MultipleChoiceTask.Run run = MultipleChoiceTask.run(model, bench, batch);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "%-15s threads=%d batch=%2d  %3d items  %6.2f s  %8.0f tokens/s  %7.0f scored tokens/s  %6.1f items/s"
                        + "  acc %.3f acc_norm %.3f%n",
                name,
                threads,
                batch,
                bench.items().size(),
                s,
                fed / s,
                scored / s,
                bench.items().size() / s,
                run.acc(),
                run.accNorm());
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "n/a";
        }
    }
}

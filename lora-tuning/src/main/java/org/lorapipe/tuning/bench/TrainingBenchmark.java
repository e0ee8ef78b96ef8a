package org.lorapipe.tuning.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.contract.request.SchedulerType;
import org.lorapipe.contract.request.TrainingSpec;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.lora.LoraPlan;
import org.lorapipe.tuning.nf4.QuantizedModels;
import org.lorapipe.tuning.train.MemoryProbe;
import org.lorapipe.tuning.train.StepReport;
import org.lorapipe.tuning.train.TrainableParameter;
import org.lorapipe.tuning.train.Trainer;
import org.lorapipe.tuning.train.TrainingListener;

/**
 * Training throughput and memory of LoRA (q,v and all-linear), QLoRA (NF4 + double quant), both with and
 * without gradient checkpointing, and full fine-tuning, on stories260K and a synthetic ~100M Llama, in
 * one process; then QLoRA against LoRA in the article's terms (memory saved, time added). Prints figures, asserts
 * nothing. Same workload as {@code shared/bench/torch_lora_ref.py}: random token ids, every label
 * counted, AdamW lr 3e-4 wd 0.01, r 8, alpha 16, dropout 0.05; tokens/s counts B x T labels per step
 * over the steps after the warm-up ones.
 *
 * <p>Peak memory per configuration: VmHWM is reset through {@code /proc/self/clear_refs} ("5") before
 * each one and every model is closed after its run, so each figure is that configuration's own peak
 * (process baseline included). Run with {@code MALLOC_MMAP_THRESHOLD_=1048576}.
 *
 * <pre>
 *   java -cp ... org.lorapipe.tuning.bench.TrainingBenchmark [--steps 3] [--warmup 1] [--threads 1] [--only stories|100m]
 * </pre>
 */
public final class TrainingBenchmark {

    private record Row(
            String model,
            String config,
            long trainable,
            double tokensPerSecond,
            long peakRss,
            long weightBytes,
            long optimizerBytes,
            double firstLoss,
            double lastLoss) {}

    public static void main(String[] args) throws Exception {
        int steps = intArg(args, "--steps", 3);
        int warmup = intArg(args, "--warmup", 1);
        String only = strArg(args, "--only", "");
        // 1 thread by default: on a shared 2-core machine OpenMP threads fighting for cores slow small ops 10x
        System.setProperty("ai.djl.pytorch.num_threads", strArg(args, "--threads", "1"));
        DjlRuntime.engine();
        System.out.printf(
                "PyTorch threads: %d; MALLOC_MMAP_THRESHOLD_=%s%n",
                DjlRuntime.threads(), System.getenv("MALLOC_MMAP_THRESHOLD_"));
        List<Row> rows = new ArrayList<>();
        Path stories = findStories();
        if (!only.equals("100m") && stories != null) {
            Supplier<LlamaModel> fp32 = () -> LlamaModel.fromLlama2c(stories, Device.cpu());
            Supplier<LlamaModel> nf4 = () -> QuantizedModels.fromLlama2c(stories, nf4(), Device.cpu());
            suite("stories260K", fp32, nf4, 8, 128, steps * 5, warmup * 3, rows);
        }
        if (!only.equals("stories")) {
            LlamaConfig c = LlamaConfig.llama(768, 2048, 12, 12, 4, 32000, 1024, true);
            Supplier<LlamaModel> fp32 = () -> LlamaModel.random(c, 0, Device.cpu());
            Supplier<LlamaModel> nf4 = () -> QuantizedModels.random(c, 0, nf4(), Device.cpu());
            suite("synthetic-100M", fp32, nf4, 4, 128, steps, warmup, rows);
        }
        print(rows);
    }

    private static QuantizationSpec nf4() {
        return new QuantizationSpec(QuantizationType.NF4, true, 64);
    }

    private static void suite(
            String name,
            Supplier<LlamaModel> fp32,
            Supplier<LlamaModel> nf4,
            int batch,
            int seq,
            int steps,
            int warmup,
            List<Row> rows) {
        LoraSpec qv = new LoraSpec(8, 16, 0.05, List.of("q_proj", "v_proj"), Map.of(), Map.of(), false);
        LoraSpec all = new LoraSpec(8, 16, 0.05, List.of(LoraSpec.ALL_LINEAR), Map.of(), Map.of(), false);
        // an unreported first run: JVM heap growth and JIT warm-up would otherwise land on the first row
        lora(name, "(warm-up, not reported)", nf4, qv, batch, seq, 1, 1);
        System.out.println();
        rows.add(lora(name, "QLoRA nf4+dq r8 q,v", nf4, qv, batch, seq, steps, warmup));
        rows.add(lora(name, "LoRA r8 q,v", fp32, qv, batch, seq, steps, warmup));
        rows.add(lora(name, "QLoRA nf4+dq r8 q,v + checkpointing", nf4, qv, batch, seq, steps, warmup, true));
        rows.add(lora(name, "LoRA r8 q,v + checkpointing", fp32, qv, batch, seq, steps, warmup, true));
        rows.add(lora(name, "QLoRA nf4+dq r8 all-linear", nf4, all, batch, seq, steps, warmup));
        rows.add(lora(name, "LoRA r8 all-linear", fp32, all, batch, seq, steps, warmup));
        rows.add(full(name, fp32, batch, seq, steps, warmup));
    }

    private static Row lora(
            String name, String label, Supplier<LlamaModel> load, LoraSpec spec, int b, int t, int steps, int warmup) {
        return lora(name, label, load, spec, b, t, steps, warmup, false);
    }

    private static Row lora(
            String name,
            String label,
            Supplier<LlamaModel> load,
            LoraSpec spec,
            int b,
            int t,
            int steps,
            int warmup,
            boolean checkpointing) {
        resetPeak();
        try (LlamaModel model = load.get();
                LoraAdapters adapters = LoraAdapters.attach(model, LoraPlan.resolve(spec, model.linears()), 0);
                Trainer trainer = Trainer.forAdapters(adapters, spec(b, steps + warmup, checkpointing))) {
            return measure(name, label, model, trainer, adapters.parameterCount(), b, t, steps, warmup);
        }
    }

    private static Row full(String name, Supplier<LlamaModel> load, int b, int t, int steps, int warmup) {
        resetPeak();
        try (LlamaModel model = load.get()) {
            List<TrainableParameter> params = new ArrayList<>();
            long count = 0;
            for (Map.Entry<String, NDArray> e : model.weights().entrySet()) {
                e.getValue().setRequiresGradient(true);
                params.add(new TrainableParameter(e.getKey(), e.getValue()));
                count += e.getValue().getShape().size();
            }
            try (Trainer trainer = new Trainer(
                    model, params, spec(b, steps + warmup, false), new Trainer.Options(null, false, true))) {
                return measure(name, "full fine-tuning", model, trainer, count, b, t, steps, warmup);
            }
        }
    }

    private static TrainingSpec spec(int batch, int steps, boolean checkpointing) {
        return new TrainingSpec(
                OptimizerType.ADAMW,
                3e-4,
                0.01,
                0.9,
                SchedulerType.CONSTANT,
                0,
                1,
                steps,
                batch,
                1,
                0,
                0,
                0,
                checkpointing);
    }

    private static Row measure(
            String name,
            String label,
            LlamaModel model,
            Trainer trainer,
            long trainable,
            int b,
            int t,
            int steps,
            int warmup) {
        int vocab = model.config().vocabSize();
        SplittableRandom r = new SplittableRandom(0);
        List<TokenizedSequence> data = new ArrayList<>();
        for (int i = 0; i < (steps + warmup) * b; i++) {
            int[] ids = new int[t + 1];
            boolean[] tr = new boolean[t + 1];
            for (int j = 0; j <= t; j++) {
                ids[j] = r.nextInt(3, vocab);
                tr[j] = true;
            }
            data.add(new TokenizedSequence(ids, tr, new int[] {0}));
        }
        List<StepReport> reports = new ArrayList<>();
        long[] warmEnd = new long[1];
        List<Double> losses = trainer.train(data, new TrainingListener() {
                    @Override
                    public void onStep(StepReport s) {
                        reports.add(s);
                        if (s.step() == warmup) {
                            warmEnd[0] = System.nanoTime();
                        }
                    }
                })
                .losses();
        double seconds = (System.nanoTime() - warmEnd[0]) / 1e9;
        StepReport last = reports.get(reports.size() - 1);
        Row row = new Row(
                name,
                label,
                trainable,
                steps * (double) b * t / seconds,
                MemoryProbe.read().peakRssBytes(),
                last.memory().weightBytes(),
                last.memory().optimizerBytes(),
                losses.get(0),
                losses.get(losses.size() - 1));
        System.out.printf(
                Locale.ROOT,
                "%-15s %-36s %9.1f tok/s  peak %6.0f MiB  loss %.4f -> %.4f%n",
                name,
                label,
                row.tokensPerSecond(),
                mib(row.peakRss()),
                row.firstLoss(),
                row.lastLoss());
        return row;
    }

    private static void print(List<Row> rows) {
        System.out.println();
        System.out.println("| model | configuration | trainable params | tokens/s | peak RSS (MiB) | base weights (MiB)"
                + " | optimizer state (MiB) |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %s | %,d | %.1f | %.0f | %.1f | %.1f |%n",
                    r.model(),
                    r.config(),
                    r.trainable(),
                    r.tokensPerSecond(),
                    mib(r.peakRss()),
                    mib(r.weightBytes()),
                    mib(r.optimizerBytes()));
        }
        System.out.println();
        for (String model : rows.stream().map(Row::model).distinct().toList()) {
            String[][] pairs = {
                {"LoRA r8 q,v", "QLoRA nf4+dq r8 q,v"},
                {"LoRA r8 all-linear", "QLoRA nf4+dq r8 all-linear"},
                {"LoRA r8 q,v + checkpointing", "QLoRA nf4+dq r8 q,v + checkpointing"},
                {"LoRA r8 q,v", "QLoRA nf4+dq r8 q,v + checkpointing"},
            };
            for (String[] pair : pairs) {
                Row lora = find(rows, model, pair[0]);
                Row q = find(rows, model, pair[1]);
                if (lora != null && q != null) {
                    System.out.printf(
                            Locale.ROOT,
                            "%s: %s vs %s: peak memory %+.0f%% (%.0f -> %.0f MiB), base weights %.1f -> %.1f"
                                    + " MiB, time per token %+.0f%%%n",
                            model,
                            pair[1],
                            pair[0],
                            100.0 * (q.peakRss() - lora.peakRss()) / lora.peakRss(),
                            mib(lora.peakRss()),
                            mib(q.peakRss()),
                            mib(lora.weightBytes()),
                            mib(q.weightBytes()),
                            100.0 * (lora.tokensPerSecond() / q.tokensPerSecond() - 1));
                }
            }
        }
    }

    private static Row find(List<Row> rows, String model, String config) {
        return rows.stream()
                .filter(r -> r.model().equals(model) && r.config().equals(config))
                .findFirst()
                .orElse(null);
    }

    private static void resetPeak() {
        System.gc();
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (Exception e) {
            // not Linux, or not permitted: peaks accumulate over the run
        }
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static Path findStories() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path c : List.of(
                    p.resolve("shared/data/models/stories260K/stories260K.bin"),
                    p.resolve("../shared/data/models/stories260K/stories260K.bin"))) {
                if (Files.isRegularFile(c)) {
                    return c.normalize();
                }
            }
        }
        return null;
    }

    private static int intArg(String[] args, String name, int def) {
        String v = strArg(args, name, null);
        return v == null ? def : Integer.parseInt(v);
    }

    private static String strArg(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }
}

package org.lorapipe.tuning.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.NativeHeap;
import org.lorapipe.tuning.train.MemoryProbe;

/**
 * Training throughput and memory of LoRA (q,v and all-linear), QLoRA (NF4 + double quant), both with and
 * without gradient checkpointing, and full fine-tuning, on stories260K and a synthetic ~100M Llama, in
 * one process; then QLoRA against LoRA in the article's terms (memory saved, time added) and LoRA
 * against full fine-tuning. Prints figures, asserts nothing.
 *
 * <p>Stable enough to decide by: every configuration runs {@code repeats} times (round robin over the
 * configurations, so a slow spell of the machine spreads over all of them), each run at least 30 steps
 * on stories260K after untimed warm-up steps, and the table prints the median with the min-max range.
 * Each run is a fresh JVM ({@link TrainingRun#inChildProcess}), so its peak RSS is its own and not the
 * freed memory an earlier, bigger configuration left in the malloc heap.
 */
public final class TrainingBenchmark {

    /**
     * @param only "stories", "100m" or "" for both
     * @param steps timed steps per run on the 100M model (stories260K runs 10x as many, at least 30)
     * @param warmup untimed steps per run before them
     * @param repeats runs per configuration
     * @param threads PyTorch intra-op threads
     * @param stories stories260K.bin (the command line finds it as lora demo does), or null
     * @param configs the configurations to run
     */
    public record Options(
            String only, int steps, int warmup, int repeats, int threads, Path stories, List<BenchConfig> configs) {
        int stepsFor(BenchModel m) {
            return m.stories() != null ? Math.max(30, steps * 10) : steps;
        }

        int warmupFor(BenchModel m) {
            return m.stories() != null ? Math.max(3, warmup * 3) : warmup;
        }
    }

    /** The samples of one configuration on one model. */
    public record Row(BenchModel model, BenchConfig config, List<TrainingRun.Sample> samples) {
        public Spread tokensPerSecond() {
            return Spread.of(
                    samples.stream().map(TrainingRun.Sample::tokensPerSecond).toList());
        }

        public Spread peakMiB() {
            return Spread.of(samples.stream().map(s -> mib(s.peakRss())).toList());
        }

        public TrainingRun.Sample first() {
            return samples.get(0);
        }

        /** The memory estimate of the configuration (the same for every run of it). */
        public double predictedMiB() {
            return mib(first().predictedPeak());
        }

        /** predicted / median measured peak - 1. */
        public double estimateError() {
            return predictedMiB() / peakMiB().median() - 1;
        }
    }

    private final Options options;
    private final PrintStream out;

    public TrainingBenchmark(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** The models selected by {@code --only} (stories260K only when its file was given). */
    public List<BenchModel> models() {
        List<BenchModel> models = new ArrayList<>();
        if (!options.only().equals("100m")) {
            if (options.stories() == null) {
                out.println("stories260K not given (--stories DIR): its rows are skipped");
            } else {
                models.add(BenchModel.stories(options.stories()));
            }
        }
        if (!options.only().equals("stories")) {
            models.add(BenchModel.synthetic100m());
        }
        return models;
    }

    /** Sets the thread count and starts the engine; prints the settings that decide the figures. */
    public void start() {
        // 1 thread by default: on a shared 2-core machine OpenMP threads fighting for cores slow small ops 10x
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(options.threads()));
        DjlRuntime.engine();
        out.printf(
                Locale.ROOT,
                "PyTorch threads: %d; native memory: %s; %d repeats per configuration%n",
                DjlRuntime.threads(),
                NativeMemoryReport.describe(),
                options.repeats());
    }

    public List<Row> run() {
        start();
        List<Row> rows = new ArrayList<>();
        for (BenchModel m : models()) {
            rows.addAll(measure(m, options.configs()));
        }
        printTable(rows);
        printComparisons(rows);
        return rows;
    }

    /** Every configuration of {@code configs} on {@code m}, {@code repeats} times round robin. */
    public List<Row> measure(BenchModel m, List<BenchConfig> configs) {
        int steps = options.stepsFor(m);
        int warmup = options.warmupFor(m);
        Map<BenchConfig, List<TrainingRun.Sample>> samples = new LinkedHashMap<>();
        for (int rep = 1; rep <= options.repeats(); rep++) {
            for (BenchConfig c : configs) {
                TrainingRun.Sample s = TrainingRun.inChildProcess(m, c, steps, warmup, options.threads());
                samples.computeIfAbsent(c, k -> new ArrayList<>()).add(s);
                printSample(m, c, rep, s);
            }
        }
        List<Row> rows = new ArrayList<>();
        samples.forEach((c, list) -> rows.add(new Row(m, c, List.copyOf(list))));
        return rows;
    }

    private void printSample(BenchModel m, BenchConfig c, int rep, TrainingRun.Sample s) {
        out.printf(
                Locale.ROOT,
                "%-15s %-36s run %d: %9.1f tok/s  peak %6.0f MiB (predicted %6.0f, %+5.1f%%)  loss %.4f -> %.4f%n",
                m.name(),
                c.label(),
                rep,
                s.tokensPerSecond(),
                mib(s.peakRss()),
                mib(s.predictedPeak()),
                100 * s.estimateError(),
                s.firstLoss(),
                s.lastLoss());
    }

    public void printTable(List<Row> rows) {
        out.println();
        out.println("| model | configuration | trainable params | tokens/s median (min-max) | peak RSS MiB median"
                + " (min-max) | predicted peak MiB | estimate error | base weights (MiB) | optimizer state (MiB) |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            out.printf(
                    Locale.ROOT,
                    "| %s | %s | %,d | %s | %s | %.0f | %+.1f%% | %.1f | %.1f |%n",
                    r.model().name(),
                    r.config().label(),
                    r.first().trainable(),
                    r.tokensPerSecond().format(1),
                    r.peakMiB().format(0),
                    r.predictedMiB(),
                    100 * r.estimateError(),
                    mib(r.first().weightBytes()),
                    mib(r.first().optimizerBytes()));
        }
        rows.stream()
                .max(java.util.Comparator.comparingDouble(r -> Math.abs(r.estimateError())))
                .ifPresent(worst -> out.printf(
                        Locale.ROOT,
                        "%nmemory estimate (lora estimate) against the median measured peak: largest error %+.1f%%"
                                + " (%s, %s)%n",
                        100 * worst.estimateError(),
                        worst.model().name(),
                        worst.config().label()));
        out.println();
    }

    /** QLoRA against LoRA (the article's question) and LoRA against full fine-tuning, from medians. */
    public void printComparisons(List<Row> rows) {
        BenchConfig[][] pairs = {
            {BenchConfig.LORA_QV, BenchConfig.QLORA_QV},
            {BenchConfig.LORA_ALL, BenchConfig.QLORA_ALL},
            {BenchConfig.LORA_QV_CKPT, BenchConfig.QLORA_QV_CKPT},
            {BenchConfig.LORA_QV, BenchConfig.QLORA_QV_CKPT},
        };
        for (BenchModel m : rows.stream().map(Row::model).distinct().toList()) {
            for (BenchConfig[] pair : pairs) {
                Row lora = find(rows, m, pair[0]);
                Row q = find(rows, m, pair[1]);
                if (lora != null && q != null) {
                    out.printf(
                            Locale.ROOT,
                            "%s: %s vs %s: peak memory %+.0f%% (%.0f -> %.0f MiB), base weights %.1f -> %.1f"
                                    + " MiB, time per token %+.0f%%%n",
                            m.name(),
                            pair[1].label(),
                            pair[0].label(),
                            100.0 * (q.peakMiB().median() / lora.peakMiB().median() - 1),
                            lora.peakMiB().median(),
                            q.peakMiB().median(),
                            mib(lora.first().weightBytes()),
                            mib(q.first().weightBytes()),
                            100.0
                                    * (lora.tokensPerSecond().median()
                                                    / q.tokensPerSecond().median()
                                            - 1));
                }
            }
            Row full = find(rows, m, BenchConfig.FULL_FT);
            for (BenchConfig c : List.of(BenchConfig.LORA_QV, BenchConfig.LORA_ALL)) {
                Row lora = find(rows, m, c);
                if (full != null && lora != null) {
                    double ratio = lora.tokensPerSecond().median()
                            / full.tokensPerSecond().median();
                    out.printf(
                            Locale.ROOT,
                            "%s: %s vs full fine-tuning: %.2fx the tokens/s (%s)%n",
                            m.name(),
                            c.label(),
                            ratio,
                            ratio >= 1 ? "LoRA is faster, as it should be" : "LoRA is SLOWER than full fine-tuning");
                }
            }
        }
    }

    static Row find(List<Row> rows, BenchModel m, BenchConfig c) {
        return rows.stream()
                .filter(r -> r.model().equals(m) && r.config().equals(c))
                .findFirst()
                .orElse(null);
    }

    /**
     * Many jobs back to back in this one process, as a long-lived trainer-service runs them: the 100M
     * model alternately as LoRA q,v, QLoRA q,v and LoRA all-linear, each loaded, trained a few steps and
     * closed, then the heap trimmed as the trainer-service does after a job. Prints RSS after each job:
     * under a good native memory policy it levels off.
     */
    public List<Long> soak(int jobs) {
        start();
        BenchModel m = BenchModel.synthetic100m().withBatch(2, 128);
        List<BenchConfig> cycle = List.of(BenchConfig.LORA_QV, BenchConfig.QLORA_QV, BenchConfig.LORA_ALL);
        List<Long> rss = new ArrayList<>();
        long hwm = 0;
        for (int j = 1; j <= jobs; j++) {
            BenchConfig c = cycle.get((j - 1) % cycle.size());
            long t0 = System.nanoTime();
            TrainingRun.Sample s = TrainingRun.run(m, c, 2, 1);
            System.gc();
            NativeHeap.trim(); // as the trainer-service does after each job
            MemoryProbe.Rss now = MemoryProbe.read();
            hwm = Math.max(hwm, s.peakRss());
            rss.add(now.rssBytes());
            out.printf(
                    Locale.ROOT,
                    "job %2d %-28s %6.1f s  %6.1f tok/s  job peak %6.0f MiB  RSS after %6.0f MiB%n",
                    j,
                    c.label(),
                    (System.nanoTime() - t0) / 1e9,
                    s.tokensPerSecond(),
                    mib(s.peakRss()),
                    mib(now.rssBytes()));
        }
        int half = jobs / 2;
        if (jobs >= 4) {
            double early = mib(rss.subList(0, half).stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElse(0));
            double late = mib(rss.subList(half, jobs).stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElse(0));
            out.printf(
                    Locale.ROOT,
                    "RSS after a job: highest of jobs 1-%d %.0f MiB, of jobs %d-%d %.0f MiB (%+.0f%%); highest job"
                            + " peak %.0f MiB%n",
                    half,
                    early,
                    half + 1,
                    jobs,
                    late,
                    100 * (late / early - 1),
                    mib(hwm));
        }
        return rss;
    }

    static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}

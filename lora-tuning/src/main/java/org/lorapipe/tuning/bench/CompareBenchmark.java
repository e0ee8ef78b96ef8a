package org.lorapipe.tuning.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.bench.MatmulPeak;

/**
 * Our trainer and the plain-PyTorch reference on the same configurations, back to back in one session:
 * for each model and configuration, {@code repeats} rounds of (ours, then PyTorch), so both see the same
 * machine; the table gives medians with min-max and the ratio of the medians. Then the targets: LoRA at
 * least as fast as PyTorch, QLoRA's time overhead over LoRA, LoRA at least as fast as full fine-tuning,
 * and the 100M LoRA step's achieved GFLOP/s against the measured matmul peak.
 */
public final class CompareBenchmark {

    /** Ours and PyTorch's figures for one configuration. */
    public record Row(BenchModel model, BenchConfig config, List<TrainingRun.Sample> ours, List<JsonNode> torch) {
        /** Our samples as the training benchmark's row (its spreads, its comparisons). */
        TrainingBenchmark.Row oursRow() {
            return new TrainingBenchmark.Row(model, config, ours);
        }

        Spread torchTps() {
            return Spread.of(
                    torch.stream().map(j -> j.get("tokens_per_s").asDouble()).toList());
        }

        double ratio() {
            return oursRow().tokensPerSecond().median() / torchTps().median();
        }
    }

    private final TrainingBenchmark bench;
    private final TrainingBenchmark.Options options;
    private final TorchReference torch;
    private final PrintStream out;

    public CompareBenchmark(TrainingBenchmark.Options options, TorchReference torch, PrintStream out) {
        this.options = options;
        this.bench = new TrainingBenchmark(options, out);
        this.torch = torch;
        this.out = out;
    }

    public List<Row> run() {
        bench.start();
        List<Row> rows = new ArrayList<>();
        List<TrainingBenchmark.Row> qloraRows = new ArrayList<>();
        for (BenchModel m : bench.models()) {
            int steps = options.stepsFor(m);
            int warmup = options.warmupFor(m);
            Map<BenchConfig, List<TrainingRun.Sample>> ours = new LinkedHashMap<>();
            Map<BenchConfig, List<JsonNode>> theirs = new LinkedHashMap<>();
            List<TrainingRun.Sample> qlora = new ArrayList<>();
            List<BenchConfig> comparable = BenchConfig.COMPARABLE.stream()
                    .filter(options.configs()::contains)
                    .toList();
            boolean withQlora = options.configs().contains(BenchConfig.QLORA_QV);
            for (int rep = 1; rep <= options.repeats(); rep++) {
                for (BenchConfig c : comparable) {
                    TrainingRun.Sample s = TrainingRun.inChildProcess(m, c, steps, warmup, options.threads());
                    ours.computeIfAbsent(c, k -> new ArrayList<>()).add(s);
                    List<String> args = new ArrayList<>(m.torchArgs());
                    args.addAll(c.torchArgs());
                    args.addAll(List.of("--steps", "" + steps, "--warmup", "" + warmup));
                    JsonNode t = torch.run(args);
                    theirs.computeIfAbsent(c, k -> new ArrayList<>()).add(t);
                    out.printf(
                            Locale.ROOT,
                            "%-15s %-22s run %d: ours %9.1f tok/s %6.0f MiB | PyTorch %9.1f tok/s %6.0f MB%n",
                            m.name(),
                            c.label(),
                            rep,
                            s.tokensPerSecond(),
                            TrainingBenchmark.mib(s.peakRss()),
                            t.get("tokens_per_s").asDouble(),
                            t.get("peak_rss_mb").asDouble());
                }
                if (!withQlora) {
                    continue;
                }
                TrainingRun.Sample q =
                        TrainingRun.inChildProcess(m, BenchConfig.QLORA_QV, steps, warmup, options.threads());
                qlora.add(q);
                out.printf(
                        Locale.ROOT,
                        "%-15s %-22s run %d: ours %9.1f tok/s %6.0f MiB%n",
                        m.name(),
                        BenchConfig.QLORA_QV.label(),
                        rep,
                        q.tokensPerSecond(),
                        TrainingBenchmark.mib(q.peakRss()));
            }
            ours.forEach((c, list) -> rows.add(new Row(m, c, List.copyOf(list), List.copyOf(theirs.get(c)))));
            if (withQlora) {
                qloraRows.add(new TrainingBenchmark.Row(m, BenchConfig.QLORA_QV, List.copyOf(qlora)));
            }
        }
        printTable(rows);
        List<TrainingBenchmark.Row> oursOnly = new ArrayList<>(qloraRows);
        rows.forEach(r -> oursOnly.add(r.oursRow()));
        printTargets(rows, oursOnly);
        return rows;
    }

    private void printTable(List<Row> rows) {
        out.println();
        out.println("| model | configuration | ours tok/s median (min-max) | PyTorch tok/s median (min-max) | ratio |"
                + " ours peak RSS MiB | PyTorch peak RSS MB |");
        out.println("|---|---|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            out.printf(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %.2fx | %.0f | %.0f |%n",
                    r.model().name(),
                    r.config().label(),
                    r.oursRow().tokensPerSecond().format(1),
                    r.torchTps().format(1),
                    r.ratio(),
                    r.oursRow().peakMiB().median(),
                    Spread.of(r.torch().stream()
                                    .map(j -> j.get("peak_rss_mb").asDouble())
                                    .toList())
                            .median());
        }
        out.println();
    }

    private void printTargets(List<Row> rows, List<TrainingBenchmark.Row> ours) {
        out.println("targets (medians of this run):");
        for (Row r : rows) {
            if (r.config().mode() == BenchConfig.Mode.LORA) {
                target(
                        r.ratio() >= 1.0,
                        "%s %s: %.2fx PyTorch (target >= 1.0x)",
                        r.model().name(),
                        r.config().label(),
                        r.ratio());
            }
        }
        for (BenchModel m :
                ours.stream().map(TrainingBenchmark.Row::model).distinct().toList()) {
            TrainingBenchmark.Row lora = TrainingBenchmark.find(ours, m, BenchConfig.LORA_QV);
            TrainingBenchmark.Row q = TrainingBenchmark.find(ours, m, BenchConfig.QLORA_QV);
            TrainingBenchmark.Row full = TrainingBenchmark.find(ours, m, BenchConfig.FULL_FT);
            if (lora == null) {
                continue; // the targets below are all read against LoRA q,v
            }
            if (q != null) {
                double overhead =
                        lora.tokensPerSecond().median() / q.tokensPerSecond().median() - 1;
                target(
                        overhead <= 0.20,
                        "%s QLoRA vs LoRA q,v: time %+.0f%% (target <= +20%%), peak memory %+.0f%%",
                        m.name(),
                        100 * overhead,
                        100 * (q.peakMiB().median() / lora.peakMiB().median() - 1));
            }
            if (full != null) {
                double vsFull =
                        lora.tokensPerSecond().median() / full.tokensPerSecond().median();
                target(
                        vsFull >= 1.0,
                        "%s LoRA q,v vs full fine-tuning: %.2fx the tokens/s (target >= 1.0x)",
                        m.name(),
                        vsFull);
            }
            if (m.config() != null) {
                LlamaConfig c = m.config();
                double flops = StepFlops.perToken(c, m.seq(), BenchConfig.LORA_QV);
                double achieved = flops * lora.tokensPerSecond().median() / 1e9;
                double peak = MatmulPeak.gflops();
                out.printf(
                        Locale.ROOT,
                        "  %s LoRA q,v step: %.2f GFLOP per token, %.1f GFLOP/s achieved vs %.1f GFLOP/s fp32 matmul"
                                + " peak (%.0f%%)%n",
                        m.name(),
                        flops / 1e9,
                        achieved,
                        peak,
                        100 * achieved / peak);
            }
        }
    }

    private void target(boolean met, String format, Object... args) {
        out.printf(Locale.ROOT, "  [%s] " + format + "%n", prepend(met ? "met" : "MISSED", args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}

package org.lorapipe.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code lora bench model|training [ARGS...]}: the printed benchmarks of the model engine (forward and
 * generation tokens/s, KV cache vs recompute) and of training (LoRA, all-linear LoRA, QLoRA, gradient
 * checkpointing and full fine-tuning: tokens/s and peak memory, the article-style QLoRA table). Figures, not pass/fail.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Print benchmark figures on this machine (stories260K and a synthetic ~100M Llama).",
            "  lora bench model      forward and greedy tokens/s, KV cache vs recompute",
            "  lora bench training   LoRA / all-linear / QLoRA (with and without gradient checkpointing) /",
            "                        full fine-tuning: tokens/s, peak memory, QLoRA vs LoRA",
            "                        (options: --steps N --warmup N --threads N --only stories|100m)"
        })
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WHAT", description = "model or training")
    String what;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Passed to the benchmark.")
    List<String> args = List.of();

    @Override
    public Integer call() throws Exception {
        String[] rest = args.toArray(String[]::new);
        switch (what) {
            case "model" -> org.lorapipe.model.bench.ModelBenchmark.main(rest);
            case "training" -> org.lorapipe.tuning.bench.TrainingBenchmark.main(rest);
            default -> throw new UsageProblem("lora bench takes model or training, got '" + what + "'");
        }
        return 0;
    }
}

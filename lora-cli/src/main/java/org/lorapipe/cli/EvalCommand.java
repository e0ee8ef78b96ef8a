package org.lorapipe.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lorapipe.contract.json.Json;
import org.lorapipe.evaluation.domain.Benchmark;
import org.lorapipe.evaluation.domain.BenchmarkFormatException;
import org.lorapipe.evaluation.domain.EvalModel;
import org.lorapipe.evaluation.domain.GenerationTask;
import org.lorapipe.evaluation.domain.MultipleChoiceTask;
import org.lorapipe.evaluation.domain.TaskRun;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.model.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lora eval}: scores one benchmark locally, exactly as the eval-service does, and prints the
 * metrics as JSON ({@code acc}, {@code acc_norm}, {@code n} for multiple choice).
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Score a model (optionally base + adapter) on a benchmark and print the metrics as JSON.",
            "",
            "Tasks: arc (multiple choice by log-likelihood as lm-evaluation-harness; the file may be ARC-layout JSONL,",
            "an MMLU .csv or TruthfulQA's mc_task.json) and generation (a JSONL of {\"prompt\", \"expect\": [...]}).",
            "",
            "Example:",
            "  lora eval --model s3://lora/models/stories260K --task arc \\",
            "            --file ../shared/data/eval/arc/ARC-Easy-Dev.jsonl --limit 100"
        })
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR|s3://...", description = "The base model.")
    String model;

    @Option(names = "--adapter", paramLabel = "DIR|s3://...", description = "A PEFT LoRA adapter to apply.")
    String adapter;

    @Option(names = "--task", required = true, paramLabel = "TASK", description = "arc or generation.")
    String task;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "The benchmark file.")
    Path file;

    @Option(names = "--limit", paramLabel = "N", description = "Score only the first N items.")
    Integer limit;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "Sequences per forward.")
    int batchSize;

    @Option(
            names = "--max-tokens",
            paramLabel = "N",
            defaultValue = "64",
            description = "New tokens per prompt for generation (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Mixin
    StorageOptions storage;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!task.equals("arc") && !task.equals("generation")) {
            throw new UsageProblem("--task must be arc or generation, got '" + task + "' (perplexity needs a prepared"
                    + " dataset: it runs in the pipeline)");
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageProblem("--file: no benchmark file at " + file.toAbsolutePath());
        }
        if (limit != null && limit < 1) {
            throw new UsageProblem("--limit must be a positive integer, got " + limit);
        }
        PrintWriter err = spec.commandLine().getErr();
        Path cache = ModelLocation.defaultCache();
        Path dir = ModelLocation.resolve(model, "model", storage.config(), cache, err);
        Path adapterDir =
                adapter == null ? null : ModelLocation.resolve(adapter, "adapter", storage.config(), cache, err);
        DjlRuntime.inferenceMode();
        try (LlamaModel base = LlamaModel.load(dir);
                EvalModel evalModel = new EvalModel(AdapterSupport.apply(base, adapterDir), Tokenizers.load(dir))) {
            TaskRun run = task.equals("arc")
                    ? MultipleChoiceTask.run(evalModel, Benchmark.read(file).limit(limit), batchSize)
                    : GenerationTask.run(evalModel, limited(GenerationTask.readChecks(file)), maxTokens);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("task", task);
            out.put("file", file.toString());
            out.putAll(run.metrics());
            System.out.println(Json.writePretty(out));
            return 0;
        } catch (BenchmarkFormatException | ModelFormatException e) {
            throw new UsageProblem(e.getMessage());
        }
    }

    private <T> java.util.List<T> limited(java.util.List<T> items) {
        return limit == null ? items : items.subList(0, Math.min(limit, items.size()));
    }
}

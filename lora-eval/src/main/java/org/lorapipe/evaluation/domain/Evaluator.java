package org.lorapipe.evaluation.domain;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.request.EvalTask;
import org.lorapipe.contract.request.EvaluationSpec;
import org.lorapipe.contract.request.GenerationCheck;
import org.lorapipe.model.DjlRuntime;

/**
 * Runs a list of evaluation tasks for the base model and for base + adapter, in this process, on the
 * calling thread (which it puts in inference mode), one model in memory at a time: every input is read
 * and checked first (a bad benchmark file fails before any model is loaded), then the base variant is
 * loaded, runs every task and is closed, then the tuned variant does the same.
 */
public final class Evaluator {

    private static final Logger LOG = Logger.getLogger(Evaluator.class);

    /** Sequences per forward pass. */
    public static final int DEFAULT_BATCH_SIZE = 16;

    private final EvalSources sources;
    private final int batchSize;
    private final Bounds bounds;
    private Runnable betweenTasks = () -> {};
    private TaskObserver eachTask = TaskObserver.NONE;

    /** Wraps each run of a task on a model, e.g. in a trace span; must call {@code run} once. */
    @FunctionalInterface
    public interface TaskObserver {
        /**
         * @param model {@code base} or {@code tuned}
         * @param key the task's label in the report
         * @param task the task's kind ({@code perplexity}, {@code arc}, {@code generation})
         */
        TaskRun around(String model, String key, String task, Supplier<TaskRun> run);

        TaskObserver NONE = (model, key, task, run) -> run.get();
    }

    /**
     * How much one task may ask for.
     *
     * @param items most items scored per task, after its {@code limit} ({@code lora.limits.eval-items})
     * @param generationTokens most tokens per generation check ({@code lora.limits.generation-tokens})
     */
    public record Bounds(int items, int generationTokens) {
        public static final Bounds DEFAULT = new Bounds(20_000, 4096);
    }

    public Evaluator(EvalSources sources) {
        this(sources, DEFAULT_BATCH_SIZE, Bounds.DEFAULT);
    }

    public Evaluator(EvalSources sources, int batchSize, Bounds bounds) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.sources = sources;
        this.batchSize = batchSize;
        this.bounds = bounds;
    }

    /** One task with its inputs loaded: how to run it on a model. */
    private record Prepared(String key, String task, String source, Function<EvalModel, TaskRun> run) {}

    /** Calls {@code check} before each task runs on a model; it throws to stop the evaluation there. */
    public Evaluator betweenTasks(Runnable check) {
        this.betweenTasks = check;
        return this;
    }

    /** Calls {@code observer} around each run of a task on a model. */
    public Evaluator eachTask(TaskObserver observer) {
        this.eachTask = observer;
        return this;
    }

    public EvaluationReport evaluate(String title, List<EvalTask> tasks, ModelVariant base, ModelVariant tuned) {
        DjlRuntime.inferenceMode();
        List<Prepared> prepared = prepare(tasks);
        List<TaskRun> baseRuns = runAll("base", base, prepared);
        List<TaskRun> tunedRuns = runAll("tuned", tuned, prepared);
        List<TaskReport> reports = new ArrayList<>();
        for (int i = 0; i < prepared.size(); i++) {
            Prepared p = prepared.get(i);
            reports.add(TaskReport.of(p.key(), p.task(), p.source(), baseRuns.get(i), tunedRuns.get(i)));
        }
        return new EvaluationReport(title, Instant.now().toString(), reports, List.of());
    }

    private List<TaskRun> runAll(String name, ModelVariant variant, List<Prepared> prepared) {
        List<TaskRun> runs = new ArrayList<>();
        try (EvalModel model = variant.load()) {
            for (Prepared p : prepared) {
                betweenTasks.run();
                long start = System.nanoTime();
                TaskRun run =
                        eachTask.around(name, p.key(), p.task(), () -> p.run().apply(model));
                LOG.infof(
                        "%s %s (%s): %s in %.1f s",
                        name, p.key(), p.source(), run.metrics(), (System.nanoTime() - start) / 1e9);
                runs.add(run);
            }
        }
        return runs;
    }

    private List<Prepared> prepare(List<EvalTask> tasks) {
        List<Prepared> prepared = new ArrayList<>();
        List<String> keys = new EvaluationSpec(tasks).keys();
        for (int i = 0; i < tasks.size(); i++) {
            EvalTask task = tasks.get(i);
            String name = task.name().wire();
            String key = keys.get(i);
            prepared.add(
                    switch (task.name()) {
                        case ARC -> {
                            requireUri(task);
                            Benchmark b =
                                    Benchmark.read(sources.file(task.uri())).limit(task.limit());
                            requireItems(key, b.items().size());
                            yield new Prepared(
                                    key,
                                    name,
                                    b.name() + " (" + b.items().size() + " items)",
                                    m -> MultipleChoiceTask.run(m, b, batchSize));
                        }
                        case PERPLEXITY -> {
                            Path dir = sources.validationDir();
                            List<TokenizedSequence> seqs = PerplexityTask.read(PerplexityTask.validationShards(dir));
                            if (task.limit() != null && task.limit() > 0 && task.limit() < seqs.size()) {
                                seqs = seqs.subList(0, task.limit());
                            }
                            requireItems(key, seqs.size());
                            List<TokenizedSequence> s = seqs;
                            yield new Prepared(
                                    key,
                                    name,
                                    "validation split (" + s.size() + " sequences)",
                                    m -> PerplexityTask.run(m, s, batchSize));
                        }
                        case GENERATION -> {
                            List<GenerationCheck> checks = new ArrayList<>(task.prompts());
                            if (task.uri() != null) {
                                checks.addAll(GenerationTask.readChecks(sources.file(task.uri())));
                            }
                            if (checks.isEmpty()) {
                                throw new IllegalArgumentException(
                                        "the generation task has no prompts: give prompts or a uri of checks");
                            }
                            if (task.limit() != null && task.limit() > 0 && task.limit() < checks.size()) {
                                checks = checks.subList(0, task.limit());
                            }
                            requireItems(key, checks.size());
                            List<GenerationCheck> c = List.copyOf(checks);
                            int maxTokens = task.maxTokens() > 0 ? task.maxTokens() : EvalTask.DEFAULT_MAX_TOKENS;
                            if (maxTokens > bounds.generationTokens()) {
                                throw new IllegalArgumentException(key + " asks for " + maxTokens
                                        + " tokens per prompt, more than the " + bounds.generationTokens()
                                        + " this service generates (lora.limits.generation-tokens): lower its"
                                        + " maxTokens");
                            }
                            yield new Prepared(
                                    key,
                                    name,
                                    c.size() + " prompts, " + maxTokens + " tokens",
                                    m -> GenerationTask.run(m, c, maxTokens));
                        }
                    });
        }
        return prepared;
    }

    private void requireItems(String key, int items) {
        if (items > bounds.items()) {
            throw new IllegalArgumentException(key + " has " + items + " items, more than the " + bounds.items()
                    + " a task may score (lora.limits.eval-items): give the task a limit (a sample of the"
                    + " benchmark) or raise the setting");
        }
    }

    private static void requireUri(EvalTask task) {
        if (task.uri() == null || task.uri().isBlank()) {
            throw new IllegalArgumentException(
                    "the " + task.name().wire() + " task needs a uri (an ARC-layout JSONL, MMLU CSV or mc_task.json)");
        }
    }
}

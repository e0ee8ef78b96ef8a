package org.lorapipe.eval;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.EvalTask;
import org.lorapipe.contract.request.Problems;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.eval.config.EvalConfig;
import org.lorapipe.eval.metrics.EvalMetrics;
import org.lorapipe.eval.storage.EvalStorage;
import org.lorapipe.evaluation.domain.BenchmarkFormatException;
import org.lorapipe.evaluation.domain.EvalSources;
import org.lorapipe.evaluation.domain.EvaluationReport;
import org.lorapipe.evaluation.domain.Evaluator;
import org.lorapipe.evaluation.domain.ModelVariant;
import org.lorapipe.evaluation.domain.ReportWriter;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.service.config.Limits;
import org.lorapipe.service.consumer.JobControl;
import org.lorapipe.service.jobs.StageFailure;
import org.lorapipe.service.jobs.WorkDir;
import org.lorapipe.service.tracing.JobSpans;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.tuning.peft.PeftAdapter;

/**
 * Benchmarks one run: every task of {@code request.evaluation.tasks}, for the base model and for base +
 * adapter, in this process; publishes {@code runs/{id}/eval/} (report.json, report.md, the charts) and
 * returns the EvaluationCompleted event. A run whose report is already published is answered from it.
 */
@ApplicationScoped
public class EvaluationService {
    /** The attributes of an {@code evaluate task} span: the task's label, its kind and the model scored. */
    static final AttributeKey<String> TASK = AttributeKey.stringKey("lora.eval.task");

    static final AttributeKey<String> TASK_NAME = AttributeKey.stringKey("lora.eval.task_name");
    static final AttributeKey<String> MODEL = AttributeKey.stringKey("lora.eval.model");

    private static final Logger LOG = Logger.getLogger(EvaluationService.class);
    /** The event as published, kept beside the report so a redelivery re-announces the same results. */
    static final String EVENT = "evaluation.json";

    private final EvalStorage storage;
    private final EvalMetrics metrics;
    private final EvalConfig config;
    private final JobSpans spans;
    private final Limits limits;

    public EvaluationService(
            EvalStorage storage, EvalConfig config, Limits limits, EvalMetrics metrics, JobSpans spans) {
        this.spans = spans;
        this.metrics = metrics;
        this.storage = storage;
        this.limits = limits;
        this.config = config;
    }

    public Optional<EvaluationCompleted> published(String requestId) {
        S3Uri folder = storage.reportFolder(requestId);
        if (!storage.isPublished(folder)) {
            return Optional.empty();
        }
        EvaluationCompleted e = Json.read(storage.readString(folder.resolve(EVENT)), EvaluationCompleted.class);
        return Optional.of(new EvaluationCompleted(
                e.schemaVersion(),
                e.requestId(),
                Instant.now(),
                e.request(),
                e.adapterUri(),
                e.results(),
                e.reportUri()));
    }

    /** Evaluates (or answers from the published report); nothing is published once {@code control} is stopped. */
    public EvaluationCompleted evaluate(AdapterTrained event, JobControl control) {
        TrainingRequest request = event.request();
        Optional<EvaluationCompleted> done = published(request.requestId());
        if (done.isPresent()) {
            LOG.infof("%s: report already published, reusing it", request.requestId());
            return done.get();
        }
        Path work =
                WorkDir.create(config.workDir(), "eval", request.requestId()).path();
        try {
            return run(event, work, control);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            WorkDir.deleteQuietly(work);
        }
    }

    private EvaluationCompleted run(AdapterTrained event, Path work, JobControl control) throws IOException {
        TrainingRequest request = event.request();
        String id = request.requestId();
        Path baseDir = work.resolve("base");
        Path adapterDir = work.resolve("adapter");
        Path validationDir = Files.createDirectories(work.resolve("validation"));
        Map<String, Path> files = new HashMap<>();
        spans.run("download inputs", () -> {
            storage.downloadFolder(request.baseModel(), "config.json", "base model", baseDir);
            storage.downloadFolder(event.adapterUri(), PeftAdapter.CONFIG, "adapter", adapterDir);
            storage.downloadValidation(storage.datasetFolder(id), validationDir);
            for (EvalTask task : request.evaluation().tasks()) {
                if (task.uri() != null && !files.containsKey(task.uri())) {
                    files.put(
                            task.uri(),
                            storage.downloadFile(
                                    task.uri(),
                                    work.resolve("inputs/" + files.size() + "-"
                                            + S3Uri.parse(task.uri()).fileName())));
                }
            }
        });
        EvalSources sources = new EvalSources() {
            @Override
            public Path file(String uri) {
                return files.get(uri);
            }

            @Override
            public Path validationDir() {
                return validationDir;
            }
        };
        PeftAdapter adapter = loadAdapter(adapterDir);
        ModelVariant base = ModelVariant.directory(baseDir);
        ModelVariant tuned = base.map(model -> attach(adapter, model));
        EvaluationReport report;
        long scoring = System.nanoTime();
        try {
            report = new Evaluator(
                            sources,
                            config.batchSize(),
                            new Evaluator.Bounds(limits.evalItems(), limits.generationTokens()))
                    .betweenTasks(control::throwIfStopped)
                    .eachTask((model, key, task, run) -> spans.call(
                            "evaluate task", Attributes.of(TASK, key, TASK_NAME, task, MODEL, model), run::get))
                    .evaluate(id, request.evaluation().tasks(), base, tuned)
                    .withTrainingLoss(losses(adapterDir));
        } catch (BenchmarkFormatException e) {
            String message = e.getMessage();
            for (Map.Entry<String, Path> file : files.entrySet()) {
                message = message.replace(file.getValue().toString(), file.getKey()); // name the object, not our copy
            }
            throw new StageFailure(ErrorCodes.INVALID_INPUT, message, false);
        } catch (ModelFormatException e) {
            throw new StageFailure(
                    ErrorCodes.INVALID_INPUT,
                    "the base model " + request.baseModel() + " cannot be loaded: " + e.getMessage(),
                    false);
        } catch (IllegalArgumentException e) {
            throw new StageFailure(ErrorCodes.INVALID_INPUT, e.getMessage(), false);
        }
        metrics.evaluated(report, Duration.ofNanos(System.nanoTime() - scoring));
        Path out = Files.createDirectories(work.resolve("report"));
        ReportWriter.write(report, out);
        S3Uri folder = storage.reportFolder(id);
        EvaluationCompleted completed = new EvaluationCompleted(
                PipelineEvent.SCHEMA_VERSION,
                id,
                Instant.now(),
                request,
                event.adapterUri(),
                report.results(),
                folder.resolve(ReportWriter.JSON).toString());
        Files.writeString(out.resolve(EVENT), Json.writePretty(completed));
        control.throwIfStopped();
        spans.run("upload report", () -> storage.publish(out, folder));
        LOG.infof("%s: report published at %s", id, folder);
        return completed;
    }

    private static PeftAdapter loadAdapter(Path dir) {
        try {
            return PeftAdapter.load(dir);
        } catch (RuntimeException e) {
            throw new StageFailure(ErrorCodes.INVALID_INPUT, "the adapter cannot be read: " + e.getMessage(), false);
        }
    }

    /** Base + adapter; an adapter that does not fit the base is refused with the tensors named. */
    private static LlamaModel attach(PeftAdapter adapter, LlamaModel model) {
        List<String> problems = adapter.problems(model);
        if (!problems.isEmpty()) {
            throw new StageFailure(
                    ErrorCodes.INVALID_INPUT,
                    "the adapter does not fit the base model: " + Problems.join(problems),
                    false);
        }
        adapter.applyTo(model);
        return model;
    }

    /** The training loss curve from the adapter's training.json, when the trainer wrote one. */
    private static List<LossPoint> losses(Path adapterDir) throws IOException {
        Path file = adapterDir.resolve(TrainingRecord.FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        return Json.mapper().readValue(file.toFile(), TrainingRecord.class).losses();
    }
}

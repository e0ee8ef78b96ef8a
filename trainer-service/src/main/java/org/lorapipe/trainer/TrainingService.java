package org.lorapipe.trainer;

import ai.djl.Device;
import com.fasterxml.jackson.core.type.TypeReference;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.artifact.AdapterOrigin;
import org.lorapipe.contract.artifact.ChatTemplateFile;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.artifact.ModelCard;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.event.RunMemory;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.model.NativeHeap;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.model.tokenizer.Tokenizers;
import org.lorapipe.service.config.Limits;
import org.lorapipe.service.consumer.JobControl;
import org.lorapipe.service.consumer.JobStoppedException;
import org.lorapipe.service.jobs.WorkDir;
import org.lorapipe.service.tracing.JobSpans;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.trainer.config.TrainerConfig;
import org.lorapipe.trainer.domain.AdapterProvenance;
import org.lorapipe.trainer.domain.LossHistory;
import org.lorapipe.trainer.domain.MemoryGate;
import org.lorapipe.trainer.domain.ProgressThrottle;
import org.lorapipe.trainer.domain.TrainingFailure;
import org.lorapipe.trainer.metrics.TrainerMetrics;
import org.lorapipe.trainer.storage.RunStorage;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.lora.LoraPlan;
import org.lorapipe.tuning.memory.ByteSize;
import org.lorapipe.tuning.memory.MemoryEstimate;
import org.lorapipe.tuning.nf4.QuantizedModels;
import org.lorapipe.tuning.peft.PeftAdapter;
import org.lorapipe.tuning.train.MemoryProbe;
import org.lorapipe.tuning.train.ShrinkingHeap;
import org.lorapipe.tuning.train.StepReport;
import org.lorapipe.tuning.train.Trainer;
import org.lorapipe.tuning.train.TrainingDivergedException;
import org.lorapipe.tuning.train.TrainingListener;
import org.lorapipe.tuning.train.TrainingResult;
import org.lorapipe.tuning.train.TrainingState;
import org.lorapipe.tuning.train.TrainingStoppedException;

/**
 * Trains the adapter of one request: base model and prepared dataset from storage, LoRA (or QLoRA on an
 * NF4 base) with the request's settings, a resumable checkpoint every {@code checkpointEverySteps},
 * and the PEFT adapter published under {@code runs/{id}/adapter/}. Before the model is downloaded the
 * run's memory is estimated and checked against the trainer's budget ({@link MemoryGate}); the event
 * carries the estimate beside what the run measured. A run that finds a checkpoint of
 * its own continues from it (same adapter lineage, same loss curve); a run whose adapter is already
 * published answers from it without training again.
 */
@ApplicationScoped
public class TrainingService {
    /** The attributes of a {@code train epoch} span: its number (from 1) and the run's steps done at its end. */
    static final AttributeKey<Long> EPOCH = AttributeKey.longKey("lora.epoch");

    static final AttributeKey<Long> STEPS_DONE = AttributeKey.longKey("lora.steps_done");

    private static final Logger LOG = Logger.getLogger(TrainingService.class);
    private static final String HISTORY = "history.json";

    private final RunStorage storage;
    private final TrainerMetrics metrics;
    private final TrainerConfig config;
    private final JobSpans spans;
    private final Limits limits;
    private final MemoryGate memory;

    public TrainingService(
            RunStorage storage, TrainerConfig config, Limits limits, TrainerMetrics metrics, JobSpans spans) {
        this.spans = spans;
        this.storage = storage;
        this.metrics = metrics;
        this.limits = limits;
        this.config = config;
        this.memory = new MemoryGate(config);
    }

    /** The published outcome of a run, if its adapter is already there. */
    public Optional<AdapterTrained> published(TrainingRequest request) {
        S3Uri adapter = storage.adapterFolder(request.requestId());
        if (!storage.isPublished(adapter)) {
            return Optional.empty();
        }
        TrainingRecord record =
                Json.read(storage.readString(adapter.resolve(TrainingRecord.FILE)), TrainingRecord.class);
        return Optional.of(new AdapterTrained(
                PipelineEvent.SCHEMA_VERSION,
                request.requestId(),
                Instant.now(),
                request,
                adapter.toString(),
                record.metrics()));
    }

    /**
     * Trains (or resumes, or reuses) the adapter of {@code event}'s request. When {@code control} is
     * stopped, training ends at the next step boundary after a checkpoint and
     * {@link org.lorapipe.service.consumer.JobStoppedException} is thrown; nothing is published after that.
     */
    public AdapterTrained train(DatasetPrepared event, Consumer<TrainingProgress> progress, JobControl control) {
        TrainingRequest request = event.request();
        Optional<AdapterTrained> done = published(request);
        if (done.isPresent()) {
            LOG.infof("%s: adapter already published, reusing it", request.requestId());
            return done.get();
        }
        DjlRuntime.inferenceMode();
        // this run's own peak from here: a QLoRA run after a LoRA run must not report the LoRA run's. Free
        // heap that work between jobs left resident goes back first, so the baseline is what the process
        // holds, not memory this run would reuse (which made the growth, and the estimate, vary by run).
        NativeHeap.trim();
        MemoryProbe.resetPeak();
        long baselineRss = MemoryProbe.read().rssBytes();
        // the estimate starts from what the process holds: Java heap the collection just gave up leaves RSS
        // on the collector's own time, and a run that starts meanwhile would be predicted too high by it
        long heldRss = baselineRss - ShrinkingHeap.residentBytes();
        Path work =
                WorkDir.create(config.workDir(), "train", request.requestId()).path();
        try {
            return run(event, work, progress, control, baselineRss, heldRss);
        } finally {
            WorkDir.deleteQuietly(work);
            // the job's model, activations and optimizer state are freed: give that memory back rather
            // than hold the job's peak until the next one (see NativeMemoryPolicy)
            NativeHeap.trim();
        }
    }

    private AdapterTrained run(
            DatasetPrepared event,
            Path work,
            Consumer<TrainingProgress> progress,
            JobControl control,
            long baselineRss,
            long heldRss) {
        TrainingRequest request = event.request();
        String id = request.requestId();
        long t0 = System.nanoTime();
        DatasetManifest manifest = storage.manifest(event.datasetUri());
        Device device = DjlRuntime.defaultDevice();
        MemoryEstimate estimate =
                memory.admit(request, storage.modelConfig(request.baseModel()), manifest, heldRss, !device.isGpu());
        LOG.infof(
                "%s: estimated peak memory %s (%s; %s)",
                id,
                ByteSize.of(estimate.total()),
                estimate.plan().description(),
                estimate.phase().description());
        Path modelDir = work.resolve("base");
        spans.run("download base model", () -> storage.downloadModel(request.baseModel(), modelDir));
        checkTokenizer(modelDir, manifest, request);
        long tokens = manifest.trainTokens() + manifest.validationTokens();
        if (tokens > limits.datasetTokens()) {
            throw new TrainingFailure(
                    ErrorCodes.INVALID_INPUT,
                    "the dataset at " + event.datasetUri() + " holds " + tokens + " tokens, more than the "
                            + limits.datasetTokens() + " this trainer holds in memory (lora.limits.dataset-tokens)",
                    false);
        }
        List<TokenizedSequence> train =
                spans.call("download dataset", () -> storage.split(event.datasetUri(), "train"));
        List<TokenizedSequence> validation =
                spans.call("download dataset", () -> storage.split(event.datasetUri(), "validation"));
        if (train.isEmpty()) {
            throw new TrainingFailure(
                    ErrorCodes.INVALID_INPUT,
                    "the dataset at " + event.datasetUri()
                            + " has no training sequence: add records or lower dataset.validationFraction",
                    false);
        }
        long steps = Trainer.totalSteps(request.training(), train.size());
        if (steps > limits.trainingSteps()) {
            throw new TrainingFailure(
                    ErrorCodes.INVALID_REQUEST,
                    "the run asks for " + steps + " optimizer steps ("
                            + request.training().epochs() + " epoch(s) over "
                            + train.size() + " sequences), more than the " + limits.trainingSteps()
                            + " one run may take (lora.limits.training-steps): set training.maxSteps, fewer"
                            + " training.epochs or a larger training.microBatchSize x gradientAccumulationSteps",
                    false);
        }
        try (LlamaModel model = load(modelDir, request, device)) {
            checkVocabulary(train, validation, model.config().vocabSize(), event.datasetUri());
            LoraPlan plan = plan(request, model);
            try (LoraAdapters adapters =
                            LoraAdapters.attach(model, plan, request.training().seed());
                    Trainer trainer = Trainer.forAdapters(adapters, request.training())) {
                LossHistory history = resume(id, trainer, work);
                RunListener listener = new RunListener(request, history, work, progress, control);
                TrainingResult result;
                try {
                    result = trainer.train(train, listener);
                } catch (TrainingStoppedException e) {
                    throw new JobStoppedException(id + " stopped after step " + e.step() + " (checkpoint written)");
                } catch (TrainingDivergedException e) {
                    String last = storage.latestCheckpoint(id)
                            .map(s -> storage.checkpoint(id, s).toString())
                            .orElse("none");
                    throw new TrainingFailure(
                            ErrorCodes.DIVERGED,
                            "training diverged at step " + e.step() + ": "
                                    + e.getMessage() + "; last good checkpoint: " + last
                                    + ". Lower training.learningRate"
                                    + " (now " + request.training().learningRate() + ") or set training.gradClipNorm",
                            false);
                } finally {
                    listener.endEpoch(); // one cut short by maxSteps, a stop or a failure
                }
                Double validationLoss = validation.isEmpty()
                        ? null
                        : spans.call(
                                "validate",
                                () -> trainer.evaluate(
                                        validation, request.training().microBatchSize()));
                RunMemory used = MemoryGate.measured(
                        estimate, baselineRss, MemoryProbe.read().peakRssBytes(), trainer.memory());
                // the Java heap G1 committed by now: the estimate counts little growth of it, so a run whose
                // heap grew (a collector short of CPU expands it) shows here when its peak is far off
                LOG.infof(
                        "%s: peak memory %s, predicted %s (%+.1f%%); Java heap committed %s",
                        id,
                        ByteSize.of(used.peakRssBytes()),
                        ByteSize.of(used.estimatedPeakBytes()),
                        100 * used.estimateError(),
                        ByteSize.of(ManagementFactory.getMemoryMXBean()
                                .getHeapMemoryUsage()
                                .getCommitted()));
                TrainingMetrics metrics = new TrainingMetrics(
                        history.tailMean(10),
                        validationLoss,
                        result.trainTokens(),
                        (System.nanoTime() - t0) / 1_000_000,
                        used.peakRssBytes(),
                        result.tokensPerSecond(),
                        plan.trainableParameters(),
                        model.config().parameterCount(),
                        used);
                control.throwIfStopped();
                Path adapterDir = work.resolve("adapter");
                AdapterOrigin origin = AdapterProvenance.origin(
                        event,
                        manifest,
                        modelDir,
                        storage.publishedFiles(request.baseModel()),
                        storage.publishedFiles(event.datasetUri()));
                // Hugging Face tools look the base up by this name: its id or our name, never the s3:// URI
                PeftAdapter.save(adapterDir, adapters, origin.baseModelNameOrPath());
                Optional<String> chatTemplate = storage.chatTemplate(event.datasetUri());
                if (chatTemplate.isPresent()) { // the template it was trained with, where transformers reads it
                    Files.writeString(adapterDir.resolve(ChatTemplateFile.FILE), chatTemplate.get());
                }
                Files.writeString(
                        adapterDir.resolve(TrainingRecord.FILE),
                        Json.writePretty(new TrainingRecord(metrics, history.points())));
                Files.writeString(adapterDir.resolve(AdapterOrigin.FILE), Json.writePretty(origin) + "\n");
                Files.writeString(
                        adapterDir.resolve(ModelCard.FILE),
                        ModelCard.render(AdapterProvenance.card(request, origin, metrics)));
                spans.run("upload adapter", () -> storage.publish(adapterDir, storage.adapterFolder(id)));
                LOG.infof(
                        "%s: adapter published after %d steps, train loss %.4f, validation loss %s",
                        id, result.steps(), metrics.trainLoss(), validationLoss);
                return new AdapterTrained(
                        PipelineEvent.SCHEMA_VERSION,
                        id,
                        Instant.now(),
                        request,
                        storage.adapterFolder(id).toString(),
                        metrics);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LlamaModel load(Path modelDir, TrainingRequest request, Device device) {
        try {
            return QuantizedModels.load(modelDir, request.quantization(), device);
        } catch (ModelFormatException e) {
            throw new TrainingFailure(
                    ErrorCodes.INVALID_INPUT,
                    "the base model " + request.baseModel() + " cannot be loaded: " + e.getMessage(),
                    false);
        }
    }

    private static LoraPlan plan(TrainingRequest request, LlamaModel model) {
        try {
            return LoraPlan.resolve(request.lora(), model.linears());
        } catch (IllegalArgumentException e) {
            throw new TrainingFailure(ErrorCodes.INVALID_REQUEST, e.getMessage(), false);
        }
    }

    /** The dataset must have been tokenized by this model's tokenizer. */
    private static void checkTokenizer(Path modelDir, DatasetManifest manifest, TrainingRequest request) {
        try (TextTokenizer tokenizer = Tokenizers.load(modelDir)) {
            if (manifest.tokenizerSha256() != null
                    && !manifest.tokenizerSha256().equals(tokenizer.sha256())) {
                throw new TrainingFailure(
                        ErrorCodes.INVALID_INPUT,
                        "the dataset was tokenized with tokenizer "
                                + manifest.tokenizerSha256().substring(0, 12) + "..., but " + request.baseModel()
                                + " has "
                                + tokenizer.sha256().substring(0, 12) + "...: prepare the dataset for this base model"
                                + " (resend the request with a new requestId)",
                        false);
            }
        } catch (ModelFormatException e) {
            throw new TrainingFailure(
                    ErrorCodes.INVALID_INPUT,
                    "the base model " + request.baseModel() + " has no usable tokenizer: " + e.getMessage(),
                    false);
        }
    }

    private static void checkVocabulary(
            List<TokenizedSequence> train, List<TokenizedSequence> validation, int vocab, String datasetUri) {
        int max = Stream.concat(train.stream(), validation.stream())
                .flatMapToInt(s -> java.util.Arrays.stream(s.ids()))
                .max()
                .orElse(0);
        if (max >= vocab) {
            throw new TrainingFailure(
                    ErrorCodes.INVALID_INPUT,
                    "the dataset at " + datasetUri + " holds token id "
                            + max + " but the model's vocabulary has " + vocab
                            + " tokens: the shards do not belong to this"
                            + " model; prepare the dataset with this base model's tokenizer",
                    false);
        }
    }

    /** Restores the newest checkpoint of the run, if any; returns the loss curve so far. */
    private LossHistory resume(String id, Trainer trainer, Path work) throws IOException {
        Optional<Long> step = storage.latestCheckpoint(id);
        if (step.isEmpty()) {
            return new LossHistory();
        }
        Path dir = work.resolve("resume");
        storage.download(storage.checkpoint(id, step.get()), dir);
        trainer.restore(TrainingState.load(dir));
        List<LossPoint> points =
                Json.mapper().readValue(dir.resolve(HISTORY).toFile(), new TypeReference<List<LossPoint>>() {});
        LOG.infof("%s: resuming from the checkpoint of step %d", id, step.get());
        return new LossHistory(points);
    }

    /** Turns trainer callbacks into progress events and published checkpoints. */
    private final class RunListener implements TrainingListener {
        private final TrainingRequest request;
        private final LossHistory history;
        private final Path work;
        private final Consumer<TrainingProgress> progress;
        private final ProgressThrottle throttle;
        private final JobControl control;
        /** The span of the epoch being trained, or null; the last step done. */
        private Span epochSpan;

        private long lastStep;

        /** The elapsed time at the previous step, for the step's own duration; -1 before the first. */
        private long lastElapsedMs = -1;

        RunListener(
                TrainingRequest request,
                LossHistory history,
                Path work,
                Consumer<TrainingProgress> progress,
                JobControl control) {
            this.control = control;
            this.request = request;
            this.history = history;
            this.work = work;
            this.progress = progress;
            this.throttle = new ProgressThrottle(config.progressIntervalMs());
        }

        @Override
        public void onStep(StepReport r) {
            history.add(r.step(), r.loss(), r.learningRate());
            lastStep = r.step();
            metrics.step(
                    lastElapsedMs < 0 ? null : Duration.ofMillis(r.elapsedMs() - lastElapsedMs),
                    r.loss(),
                    r.learningRate(),
                    r.tokensPerSecond(),
                    r.memory());
            lastElapsedMs = r.elapsedMs();
            if (throttle.due(r.step(), r.totalSteps())) {
                progress.accept(new TrainingProgress(
                        PipelineEvent.SCHEMA_VERSION,
                        request.requestId(),
                        Instant.now(),
                        request,
                        r.step(),
                        r.totalSteps(),
                        r.epoch(),
                        r.loss(),
                        r.learningRate(),
                        r.tokensPerSecond(),
                        r.elapsedMs(),
                        r.etaMs(),
                        r.memory()));
            }
        }

        @Override
        public void onEpochStart(int epoch) {
            endEpoch();
            epochSpan = spans.start("train epoch", Attributes.of(EPOCH, (long) epoch + 1));
        }

        @Override
        public void onEpochEnd(int epoch) {
            endEpoch();
        }

        /** Ends the epoch's span, if one is open. */
        void endEpoch() {
            if (epochSpan != null) {
                epochSpan.setAttribute(STEPS_DONE, lastStep);
                epochSpan.end();
                epochSpan = null;
            }
        }

        @Override
        public boolean stopRequested() {
            return control.stopRequested();
        }

        @Override
        public void onCheckpoint(TrainingState state) {
            String id = request.requestId();
            Path dir = work.resolve("checkpoint-" + state.step());
            state.save(dir);
            try {
                Files.writeString(dir.resolve(HISTORY), Json.write(history.points()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            storage.publish(dir, storage.checkpoint(id, state.step()));
            storage.pruneCheckpoints(id, config.checkpointsKept());
            WorkDir.deleteQuietly(dir);
            LOG.infof("%s: checkpoint of step %d published", id, state.step());
        }
    }
}

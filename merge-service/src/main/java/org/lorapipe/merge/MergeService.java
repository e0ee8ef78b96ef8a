package org.lorapipe.merge;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.artifact.Manifest;
import org.lorapipe.contract.artifact.ModelCard;
import org.lorapipe.contract.checksum.Sha256Sums;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.ModelFile;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.event.Verification;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.ModelDtype;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.merge.config.MergeConfig;
import org.lorapipe.merge.metrics.MergeMetrics;
import org.lorapipe.merge.storage.MergeInputs;
import org.lorapipe.merging.domain.MergeException;
import org.lorapipe.merging.domain.MergeResult;
import org.lorapipe.merging.domain.MergeVerification;
import org.lorapipe.merging.domain.Merger;
import org.lorapipe.merging.domain.Nf4Gap;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.model.tokenizer.Tokenizers;
import org.lorapipe.service.config.Limits;
import org.lorapipe.service.consumer.JobControl;
import org.lorapipe.service.jobs.StageFailure;
import org.lorapipe.service.jobs.StageOutput;
import org.lorapipe.service.jobs.WorkDir;
import org.lorapipe.service.tracing.JobSpans;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.Publication;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.tuning.peft.AdapterException;

/**
 * Merges the adapter of one evaluated run into its base model: fetches both into a work folder,
 * folds the adapter in ({@link Merger}), checks the result against base + adapter on held-out text
 * ({@link MergeVerification}; for a QLoRA run also against the NF4 base, {@link Nf4Gap}), and publishes
 * the folder atomically under {@code runs/{requestId}/merged/} with {@value #RECORD}, the ModelMerged
 * payload. A run already published is not merged again: its recorded event is returned as it was.
 */
@ApplicationScoped
public class MergeService implements StageOutput {
    private static final Logger LOG = Logger.getLogger(MergeService.class);

    /** The published ModelMerged payload, next to the model. */
    public static final String RECORD = "merge.json";

    /** Held-out text when the run has no validation split. */
    static final String FALLBACK_TEXT = "Once upon a time, there was a little girl named Lily. She loved to play"
            + " outside in the park with her friends. One day, she saw a big red ball under a tree.";

    private final ObjectStore store;
    private final MergeInputs inputs;
    private final MergeConfig config;
    private final Limits limits;
    private final MergeMetrics metrics;
    private final JobSpans spans;

    public MergeService(
            ObjectStore store,
            MergeInputs inputs,
            MergeConfig config,
            Limits limits,
            MergeMetrics metrics,
            JobSpans spans) {
        this.spans = spans;
        this.metrics = metrics;
        this.store = store;
        this.inputs = inputs;
        this.config = config;
        this.limits = limits;
    }

    @Override
    public S3Uri outputFolder(String requestId) {
        return mergedFolder(requestId);
    }

    /** Where the merged model of a request is published. */
    public S3Uri mergedFolder(String requestId) {
        return inputs.bucketRoot().resolve(BucketLayout.merged(requestId));
    }

    /**
     * Where a run that was deliberately not merged (gate, {@code merge.enabled: false}) records why:
     * the ModelMerged it announced, so that {@code lora pull} can say so instead of "not yet".
     */
    public S3Uri notMergedRecord(String requestId) {
        return inputs.bucketRoot().resolve(BucketLayout.notMerged(requestId));
    }

    /** Writes {@code decision} (merged = false) to {@link #notMergedRecord}. */
    public void recordNotMerged(ModelMerged decision) {
        if (decision.merged()) {
            throw new IllegalArgumentException("not a decision not to merge: " + decision.requestId());
        }
        store.putString(notMergedRecord(decision.requestId()), Json.write(decision));
    }

    /** The ModelMerged recorded with a model already published for this request, if any. */
    public Optional<ModelMerged> published(String requestId) {
        S3Uri folder = mergedFolder(requestId);
        if (!store.isPublished(folder)) {
            return Optional.empty();
        }
        return Optional.of(Json.read(store.getString(folder.resolve(RECORD)), ModelMerged.class));
    }

    /**
     * The merge stage's answer to one evaluated run. The {@link QualityGate} decides first: a run that
     * must not be merged gets {@code merged: false} and the reason (recorded for {@code lora pull}
     * before it is announced); a gate naming results the event lacks is {@code INVALID_INPUT}; otherwise
     * the adapter is merged, checked and published. An adapter that does not fit its base, or an
     * unreadable model, is {@code INVALID_INPUT} (not retriable).
     */
    public ModelMerged handle(EvaluationCompleted event, JobControl control) {
        QualityGate.Decision decision = QualityGate.decide(event.request().merge(), event.results());
        if (decision instanceof QualityGate.Invalid invalid) {
            throw new StageFailure(ErrorCodes.INVALID_INPUT, invalid.message(), false);
        }
        if (decision instanceof QualityGate.Skip skip) {
            LOG.infof("%s: not merged: %s", event.requestId(), skip.reason());
            ModelMerged skipped = notMerged(event, skip.reason());
            control.throwIfStopped();
            recordNotMerged(skipped);
            return skipped;
        }
        DjlRuntime.inferenceMode(); // grad mode is per thread: off on this worker
        try {
            return merge(event, control);
        } catch (MergeException | AdapterException | ModelFormatException e) {
            LOG.infof("%s: %s", event.requestId(), e.getMessage());
            throw new StageFailure(ErrorCodes.INVALID_INPUT, e.getMessage(), false);
        }
    }

    private static ModelMerged notMerged(EvaluationCompleted event, String reason) {
        return new ModelMerged(
                PipelineEvent.SCHEMA_VERSION,
                event.requestId(),
                Instant.now(),
                event.request(),
                null,
                null,
                null,
                null,
                false,
                reason);
    }

    /**
     * Merges, verifies and publishes; returns the ModelMerged to emit (merged = true). Nothing is
     * published once {@code control} is stopped.
     *
     * @throws org.lorapipe.merge.storage.InputNotFoundException base model or adapter missing
     * @throws org.lorapipe.merging.domain.MergeException the adapter does not fit the base, or an input is
     *     unusable
     */
    public ModelMerged merge(EvaluationCompleted event, JobControl control) {
        String id = event.requestId();
        Optional<ModelMerged> done = published(id);
        if (done.isPresent()) {
            LOG.infof("%s: merged model already published, re-emitting its event", id);
            return done.get();
        }
        DjlRuntime.inferenceMode();
        TrainingRequest request = event.request();
        Path work = WorkDir.create(config.workDir(), "merge", id).path();
        try {
            long t0 = System.nanoTime();
            Path base = spans.call(
                    "download base model",
                    () -> inputs.downloadBase(request.baseModel(), work.resolve("base"), limits.modelBytes()));
            Path adapter = spans.call(
                    "download adapter", () -> inputs.downloadAdapter(event.adapterUri(), id, work.resolve("adapter")));
            long folding = System.nanoTime();
            MergeResult folded = spans.call("merge", () -> merge(event, base, adapter, work.resolve("merged")));
            metrics.merged(folded.weightBytes(), Duration.ofNanos(System.nanoTime() - folding));
            int[][] heldOut = heldOut(id, base);
            Verification verification =
                    spans.call("verify merge", () -> verify(request, base, adapter, folded, heldOut));
            MergeResult result = withCard(event, folded, base, adapter, verification);
            ModelMerged merged = new ModelMerged(
                    PipelineEvent.SCHEMA_VERSION,
                    id,
                    Instant.now(),
                    request,
                    mergedFolder(id).toString(),
                    result.files(),
                    request.merge().dtype().wire(),
                    verification,
                    true,
                    null);
            control.throwIfStopped();
            spans.run("upload merged model", () -> publish(merged, result));
            LOG.infof(
                    "%s: merged %d tensor(s), max |logit diff| %.3g on %d sequence(s), published %s in %.1f s",
                    id,
                    result.mergedTensors().size(),
                    verification.maxAbsLogitDiff(),
                    heldOut.length,
                    merged.modelUri(),
                    (System.nanoTime() - t0) / 1e9);
            return merged;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            WorkDir.deleteQuietly(work);
        }
    }

    /**
     * Adds the model card ({@value ModelCard#FILE}) to the merged folder and writes {@code SHA256SUMS}
     * again, so that the card is listed and checked like every other file.
     */
    private MergeResult withCard(
            EvaluationCompleted event, MergeResult result, Path base, Path adapter, Verification verification)
            throws IOException {
        Map<String, Optional<Manifest>> published = new HashMap<>();
        for (String uri : new String[] {event.request().baseModel(), event.adapterUri()}) {
            String folder = MergedCard.folderOf(uri);
            published.put(folder, inputs.publishedFiles(folder));
        }
        if (event.reportUri() != null) {
            String folder = event.reportUri().substring(0, event.reportUri().lastIndexOf('/') + 1);
            published.put(folder, inputs.publishedFiles(folder));
        }
        ModelCard.Facts facts = MergedCard.facts(
                event, adapter, base, published, event.request().merge().dtype().wire(), verification);
        Files.writeString(result.dir().resolve(ModelCard.FILE), ModelCard.render(facts), StandardCharsets.UTF_8);
        List<ModelFile> files = Sha256Sums.write(result.dir());
        return new MergeResult(
                result.dir(),
                result.dtype(),
                files,
                result.mergedTensors(),
                result.untiedLmHead(),
                result.weightBytes());
    }

    /** {@link Merger#merge}, its problems told with the S3 locations instead of the work folder's paths. */
    private static MergeResult merge(EvaluationCompleted event, Path base, Path adapter, Path out) throws IOException {
        try {
            return Merger.merge(
                    base, adapter, out, Merger.Options.of(event.request().merge()));
        } catch (MergeException | AdapterException e) {
            String adapterUri = S3Uri.parse(event.adapterUri()).asPrefix().toString();
            String baseUri = S3Uri.parse(event.request().baseModel()).asPrefix().toString();
            List<String> found = e instanceof MergeException m ? m.problems() : ((AdapterException) e).problems();
            List<String> problems = found.stream()
                    .map(p -> p.replace(adapter.toString(), withoutSlash(adapterUri))
                            .replace(base.toString(), withoutSlash(baseUri)))
                    .toList();
            throw new MergeException("cannot merge the adapter " + adapterUri + " into " + baseUri, problems);
        }
    }

    private static String withoutSlash(String prefix) {
        return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    private Verification verify(TrainingRequest request, Path base, Path adapter, MergeResult result, int[][] heldOut) {
        double diff = MergeVerification.maxAbsLogitDiff(base, adapter, result.dir(), heldOut);
        if (request.merge().dtype() == ModelDtype.FLOAT32 && !(diff <= config.maxFloat32LogitDiff())) {
            throw new IllegalStateException("the float32 merge differs from base + adapter by " + diff
                    + " in the logits, more than " + config.maxFloat32LogitDiff()
                    + " (lora.merge.max-float32-logit-diff): nothing was published; please report this run");
        }
        Double quantized = null;
        QuantizationSpec q = request.quantization();
        if (q != null && q.type() == QuantizationType.NF4) {
            int blockSize = q.blockSize() > 0 ? q.blockSize() : QuantizationSpec.DEFAULT_BLOCK_SIZE;
            double gap = Nf4Gap.measure(base, adapter, heldOut, blockSize).maxAbsLogitDiff();
            quantized = Double.isFinite(gap) ? gap : null;
        }
        return new Verification(diff, quantized);
    }

    /** Every model file, then the record; the manifest last (readers see all or nothing). */
    private void publish(ModelMerged merged, MergeResult result) {
        Publication publication = store.beginPublication(mergedFolder(merged.requestId()));
        for (ModelFile file : result.files()) {
            publication.putFile(file.path(), result.dir().resolve(file.path()));
        }
        publication.putBytes(RECORD, Json.writePretty(merged).getBytes(StandardCharsets.UTF_8), ObjectStore.JSON);
        publication.commit();
    }

    /**
     * Held-out token sequences for the verification: the run's validation split, else {@link #FALLBACK_TEXT}
     * through the base model's tokenizer; cut to the configured length and the model's context, sequences
     * with ids outside the vocabulary left out.
     */
    int[][] heldOut(String requestId, Path baseDir) {
        LlamaConfig model = LlamaConfig.read(baseDir.resolve("config.json"));
        int maxTokens = Math.max(1, Math.min(config.verificationTokens(), model.maxPositionEmbeddings()));
        List<int[]> sequences = new ArrayList<>();
        for (int[] s : inputs.validationSequences(requestId, config.verificationSequences(), maxTokens)) {
            if (s.length > 0 && Arrays.stream(s).allMatch(t -> t >= 0 && t < model.vocabSize())) {
                sequences.add(s);
            }
        }
        if (sequences.isEmpty()) {
            LOG.infof("%s: no validation split to verify on, using a fixed text", requestId);
            sequences.add(fallback(baseDir, model));
        }
        return sequences.stream()
                .map(s -> s.length > maxTokens ? Arrays.copyOf(s, maxTokens) : s)
                .toArray(int[][]::new);
    }

    private static int[] fallback(Path baseDir, LlamaConfig model) {
        try (TextTokenizer tokenizer = Tokenizers.load(baseDir)) {
            int[] ids = tokenizer.encode(FALLBACK_TEXT, true);
            if (Arrays.stream(ids).allMatch(t -> t >= 0 && t < model.vocabSize())) {
                return ids;
            }
        } catch (RuntimeException e) {
            LOG.warnf("no usable tokenizer in the base model (%s): verifying on fixed token ids", e.getMessage());
        }
        int[] ids = new int[64];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 7 + 1) % model.vocabSize();
        }
        return ids;
    }
}

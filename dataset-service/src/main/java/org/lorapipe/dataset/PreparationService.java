package org.lorapipe.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.artifact.ChatTemplateFile;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.DatasetFormat;
import org.lorapipe.contract.request.PromptTemplate;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.dataset.config.DatasetConfig;
import org.lorapipe.dataset.domain.DatasetBuilder;
import org.lorapipe.dataset.domain.DatasetException;
import org.lorapipe.dataset.domain.template.ChatTemplate;
import org.lorapipe.dataset.domain.template.ChatTemplateConfig;
import org.lorapipe.dataset.domain.template.ChatTemplateException;
import org.lorapipe.dataset.domain.template.ExampleTemplate;
import org.lorapipe.dataset.domain.template.ModelTemplate;
import org.lorapipe.dataset.domain.template.PromptTemplates;
import org.lorapipe.dataset.metrics.DatasetMetrics;
import org.lorapipe.dataset.storage.ModelTokenizers;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.service.config.Limits;
import org.lorapipe.service.consumer.JobControl;
import org.lorapipe.service.jobs.StageOutput;
import org.lorapipe.service.jobs.WorkDir;
import org.lorapipe.service.tracing.JobSpans;
import org.lorapipe.storage.ObjectInfo;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.Publication;
import org.lorapipe.storage.S3Uri;

/**
 * Prepares the dataset of one request: streams the raw file from storage through {@link DatasetBuilder}
 * and publishes the shards with {@code manifest.json} atomically under {@code datasets/{requestId}/}.
 * A dataset already published for the request is reused, so a redelivered request costs nothing.
 */
@ApplicationScoped
public class PreparationService implements StageOutput {
    private static final Logger LOG = Logger.getLogger(PreparationService.class);
    public static final String MANIFEST = "manifest.json";

    private final ObjectStore store;
    private final DatasetMetrics metrics;
    private final ModelTokenizers tokenizers;
    private final DatasetConfig config;
    private final Limits limits;
    private final JobSpans spans;

    public PreparationService(
            ObjectStore store,
            ModelTokenizers tokenizers,
            DatasetConfig config,
            Limits limits,
            DatasetMetrics metrics,
            JobSpans spans) {
        this.spans = spans;
        this.metrics = metrics;
        this.store = store;
        this.tokenizers = tokenizers;
        this.config = config;
        this.limits = limits;
    }

    @Override
    public S3Uri outputFolder(String requestId) {
        return datasetFolder(requestId);
    }

    /** The published dataset folder of a request. */
    public S3Uri datasetFolder(String requestId) {
        return store.config().bucketRoot().resolve(BucketLayout.dataset(requestId));
    }

    /** The manifest of a dataset already published for this request, if any. */
    public Optional<DatasetManifest> published(String requestId) {
        S3Uri folder = datasetFolder(requestId);
        if (!store.isPublished(folder)) {
            return Optional.empty();
        }
        return Optional.of(Json.read(store.getString(folder.resolve(MANIFEST)), DatasetManifest.class));
    }

    /**
     * The request's prompt template; for {@code model}, the base model's chat template (read from the
     * tokenizer files in {@code tokenizerDir}). A {@code text} dataset has no conversation to template.
     */
    private ExampleTemplate template(TrainingRequest request, Path tokenizerDir) {
        PromptTemplate name = request.dataset().promptTemplate();
        if (request.dataset().format() == DatasetFormat.TEXT) {
            return PromptTemplates.builtin(PromptTemplate.PLAIN); // documents are BOS, text, EOS whatever the template
        }
        if (name != PromptTemplate.MODEL) {
            return PromptTemplates.builtin(name);
        }
        ChatTemplateConfig chat;
        try {
            chat = ChatTemplateConfig.read(tokenizerDir)
                    .orElseThrow(() -> new DatasetException(
                            ErrorCodes.INVALID_REQUEST,
                            "dataset.promptTemplate is 'model', but the base model " + request.baseModel()
                                    + " has no chat_template (neither in tokenizer_config.json nor as"
                                    + " chat_template.jinja): use a built-in promptTemplate (alpaca, chatml,"
                                    + " llama2-chat or plain), or import a model that has a chat template"));
            return new ModelTemplate(chat.compile(ChatTemplate.Bounds.forRecords(limits.recordChars())));
        } catch (ChatTemplateException e) {
            throw new DatasetException(
                    ErrorCodes.INVALID_INPUT,
                    "the chat template of the base model " + request.baseModel() + " cannot be used: "
                            + e.getMessage());
        }
    }

    /**
     * Curates, tokenizes and publishes the dataset of {@code request} (or returns the one already
     * published). Nothing is published once {@code control} is stopped: the job has lost its record.
     */
    public DatasetManifest prepare(TrainingRequest request, JobControl control) {
        Optional<DatasetManifest> done = published(request.requestId());
        if (done.isPresent()) {
            LOG.infof("%s: dataset already published, reusing it", request.requestId());
            return done.get();
        }
        S3Uri source = S3Uri.parse(request.dataset().uri());
        ObjectInfo info = store.stat(source)
                .orElseThrow(() -> new DatasetException(
                        ErrorCodes.INPUT_NOT_FOUND,
                        "no dataset at " + source + ": upload it first (e.g. `aws s3 cp FILE " + source
                                + "`) or fix dataset.uri"));
        if (info.size() > limits.datasetBytes()) {
            throw new DatasetException(
                    ErrorCodes.INVALID_INPUT,
                    "the dataset " + source + " has " + info.size()
                            + " bytes, more than the limit of " + limits.datasetBytes()
                            + " (lora.limits.dataset-bytes): split it"
                            + " or raise the limit");
        }
        Path work =
                WorkDir.create(config.workDir(), "dataset", request.requestId()).path();
        Path tokenizerDir = work.resolve("tokenizer");
        try (TextTokenizer tokenizer =
                        spans.call("download tokenizer", () -> tokenizers.load(request.baseModel(), tokenizerDir));
                InputStream in = store.get(source)) {
            ExampleTemplate template = template(request, tokenizerDir);
            Path shards = Files.createDirectories(work.resolve("shards"));
            long t0 = System.nanoTime();
            // one streaming pass: read from storage, curate (filter, deduplicate), template, tokenize, write shards
            DatasetBuilder.Result result = spans.call("curate and tokenize", () -> new DatasetBuilder(
                            request.dataset(),
                            tokenizer,
                            shards,
                            new DatasetBuilder.Bounds(
                                    limits.recordChars(), limits.datasetRecords(), limits.datasetTokens()),
                            control::throwIfStopped,
                            template)
                    .build(in, source.toString()));
            LOG.infof(
                    "%s: %d records in, %d out, %d train / %d validation examples, %.1f s",
                    request.requestId(),
                    result.manifest().recordsIn(),
                    result.manifest().recordsOut(),
                    result.manifest().trainExamples(),
                    result.manifest().validationExamples(),
                    (System.nanoTime() - t0) / 1e9);
            control.throwIfStopped();
            spans.run("upload dataset", () -> {
                Publication publication = store.beginPublication(datasetFolder(request.requestId()));
                for (Path file : result.files()) {
                    publication.putFile(file.getFileName().toString(), file);
                }
                if (result.chatTemplate().isPresent()) { // the template the adapter and the merged model get
                    publication.putBytes(
                            ChatTemplateFile.FILE,
                            result.chatTemplate().get().getBytes(StandardCharsets.UTF_8),
                            "text/plain");
                }
                publication.putBytes(
                        MANIFEST, Json.writePretty(result.manifest()).getBytes(), "application/json");
                publication.commit();
            });
            metrics.published(result.manifest());
            return result.manifest();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            WorkDir.deleteQuietly(work);
        }
    }
}

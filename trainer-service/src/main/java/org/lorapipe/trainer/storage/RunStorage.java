package org.lorapipe.trainer.storage;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.artifact.ChatTemplateFile;
import org.lorapipe.contract.artifact.Manifest;
import org.lorapipe.contract.dataset.ShardReader;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.json.Json;
import org.lorapipe.service.config.Limits;
import org.lorapipe.service.jobs.StageOutput;
import org.lorapipe.service.storage.DownloadBudget;
import org.lorapipe.storage.ObjectInfo;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.trainer.domain.TrainingFailure;

/**
 * The trainer's view of object storage: the base model and the prepared dataset it reads, and the
 * checkpoints ({@code runs/{id}/checkpoints/step-N/}) and adapter ({@code runs/{id}/adapter/}) it
 * publishes. Every multi-file result is a publication: visible only once complete.
 */
@ApplicationScoped
public class RunStorage implements StageOutput {
    private final ObjectStore store;
    private final long maxModelBytes;

    public RunStorage(ObjectStore store, Limits limits) {
        this.store = store;
        this.maxModelBytes = limits.modelBytes();
    }

    @Override
    public S3Uri outputFolder(String requestId) {
        return adapterFolder(requestId);
    }

    public S3Uri adapterFolder(String requestId) {
        return store.config().bucketRoot().resolve(BucketLayout.adapter(requestId));
    }

    public S3Uri checkpoint(String requestId, long step) {
        return store.config().bucketRoot().resolve(BucketLayout.checkpoint(requestId, step));
    }

    public boolean isPublished(S3Uri folder) {
        return store.isPublished(folder);
    }

    public String readString(S3Uri uri) {
        return store.getString(uri);
    }

    /** Downloads the base model folder (Hugging Face layout) into {@code dir}. */
    public void downloadModel(String baseModel, Path dir) {
        S3Uri folder = modelFolder(baseModel);
        store.downloadFolder(folder, dir, DownloadBudget.forModel("the base model " + folder, maxModelBytes, dir, 1));
    }

    /** The base model's {@code config.json}, read alone (a few kilobytes, before the model is downloaded). */
    public String modelConfig(String baseModel) {
        return store.getString(modelFolder(baseModel).resolve("config.json"));
    }

    /** The base model's folder; it must hold a config.json. */
    private S3Uri modelFolder(String baseModel) {
        S3Uri folder = folder(baseModel);
        if (!store.exists(folder.resolve("config.json"))) {
            throw new TrainingFailure(
                    ErrorCodes.INPUT_NOT_FOUND,
                    "no model at " + folder + " (config.json is"
                            + " missing): import one with `lora import ... --name NAME` and set baseModel to s3://"
                            + folder.bucket() + "/models/NAME",
                    false);
        }
        return folder;
    }

    /** The manifest of the publication at {@code folderUri} (a model, a dataset), or empty when it has none. */
    public Optional<Manifest> publishedFiles(String folderUri) {
        return store.readManifest(folder(folderUri));
    }

    /** The manifest of the prepared dataset; the dataset must be published. */
    public DatasetManifest manifest(String datasetUri) {
        S3Uri folder = folder(datasetUri);
        if (!store.isPublished(folder)) {
            throw new TrainingFailure(
                    ErrorCodes.INPUT_NOT_FOUND,
                    "the dataset at " + folder + " is not published"
                            + " (no complete upload): let the dataset stage finish, or resend the training request",
                    false);
        }
        return Json.read(store.getString(folder.resolve("manifest.json")), DatasetManifest.class);
    }

    /**
     * The chat template the dataset was rendered with ({@value ChatTemplateFile#FILE} of its
     * publication, checked against its sha256), or empty when it has none ({@code text} documents,
     * datasets published before it existed).
     */
    public Optional<String> chatTemplate(String datasetUri) {
        S3Uri folder = folder(datasetUri);
        Optional<Manifest.Entry> entry = store.requirePublished(folder).file(ChatTemplateFile.FILE);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        if (entry.get().size() > ChatTemplateFile.MAX_BYTES) {
            throw new TrainingFailure(
                    ErrorCodes.INVALID_INPUT,
                    folder.resolve(ChatTemplateFile.FILE) + " has "
                            + entry.get().size() + " bytes, more than the " + ChatTemplateFile.MAX_BYTES
                            + " a chat template may have",
                    false);
        }
        try (InputStream in = store.getVerified(folder, entry.get())) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every sequence of one split ({@code train} or {@code validation}), shard by shard. */
    public List<TokenizedSequence> split(String datasetUri, String split) {
        S3Uri folder = folder(datasetUri);
        // the shards the publication's manifest lists, each checked against its sha256: never a listing
        // of the folder, where a stray or planted file would be trained on
        List<TokenizedSequence> out = new ArrayList<>();
        for (Manifest.Entry shard : store.requirePublished(folder).shards(split)) {
            try (InputStream in = store.getVerified(folder, shard);
                    ShardReader reader =
                            new ShardReader(in, folder.resolve(shard.path()).toString())) {
                reader.forEachRemaining(out::add);
                in.transferTo(java.io.OutputStream.nullOutputStream()); // to the end: the sha256 is checked there
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (IllegalStateException e) { // the shard's own framing is broken
                throw new TrainingFailure(
                        ErrorCodes.INVALID_INPUT,
                        e.getMessage() + ": the dataset was damaged or changed after it was published; prepare it"
                                + " again (send the request with a new requestId)",
                        false);
            }
        }
        return out;
    }

    /** The newest complete checkpoint of a run, if any. */
    public Optional<Long> latestCheckpoint(String requestId) {
        return checkpointSteps(requestId).stream().max(Long::compare);
    }

    private List<Long> checkpointSteps(String requestId) {
        List<Long> steps = new ArrayList<>();
        for (ObjectInfo o :
                store.list(store.config().bucketRoot().resolve(BucketLayout.checkpoints(requestId)), false)) {
            long step = BucketLayout.checkpointStep(o.uri().key());
            if (step >= 0 && store.isPublished(checkpoint(requestId, step))) {
                steps.add(step);
            }
        }
        return steps;
    }

    /** Downloads a checkpoint: the files its manifest lists, each checked against its sha256. */
    public void download(S3Uri folder, Path dir) {
        store.downloadFolder(folder, dir, total -> DownloadBudget.requireRoom(dir, total, "the checkpoint " + folder));
    }

    /** Publishes every file of {@code dir} under {@code folder}, atomically. */
    public void publish(Path dir, S3Uri folder) {
        store.publish(folder, dir);
    }

    /** Deletes all but the newest {@code keep} checkpoints of a run. */
    public void pruneCheckpoints(String requestId, int keep) {
        List<Long> steps = checkpointSteps(requestId).stream()
                .sorted(Comparator.reverseOrder())
                .toList();
        for (Long step : steps.subList(Math.min(keep, steps.size()), steps.size())) {
            store.deletePrefix(checkpoint(requestId, step));
        }
    }

    private static S3Uri folder(String uri) {
        return S3Uri.parse(uri.endsWith("/") ? uri : uri + "/");
    }
}

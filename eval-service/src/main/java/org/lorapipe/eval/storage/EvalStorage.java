package org.lorapipe.eval.storage;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.List;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.artifact.Manifest;
import org.lorapipe.contract.dataset.ShardFormat;
import org.lorapipe.service.config.Limits;
import org.lorapipe.service.jobs.StageFailure;
import org.lorapipe.service.jobs.StageOutput;
import org.lorapipe.service.storage.DownloadBudget;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;

/** The eval-service's view of storage: what it reads (model, adapter, data, benchmarks) and the report it publishes. */
@ApplicationScoped
public class EvalStorage implements StageOutput {
    private final ObjectStore store;

    private final long maxFileBytes;
    private final long maxModelBytes;

    public EvalStorage(ObjectStore store, Limits limits) {
        this.store = store;
        this.maxFileBytes = limits.evalFileBytes();
        this.maxModelBytes = limits.modelBytes();
    }

    @Override
    public S3Uri outputFolder(String requestId) {
        return reportFolder(requestId);
    }

    public S3Uri reportFolder(String requestId) {
        return store.config().bucketRoot().resolve(BucketLayout.evaluation(requestId));
    }

    /** The prepared dataset of a run (its validation split feeds the perplexity task). */
    public S3Uri datasetFolder(String requestId) {
        return store.config().bucketRoot().resolve(BucketLayout.dataset(requestId));
    }

    public boolean isPublished(S3Uri folder) {
        return store.isPublished(folder);
    }

    public String readString(S3Uri uri) {
        return store.getString(uri);
    }

    /** Downloads a folder that must exist (its {@code marker} file names what proves it). */
    public void downloadFolder(String uri, String marker, String what, Path dir) {
        S3Uri folder = folder(uri);
        if (!store.exists(folder.resolve(marker))) {
            throw new StageFailure(
                    ErrorCodes.INPUT_NOT_FOUND, "no " + what + " at " + folder + " (" + marker + " is missing)", false);
        }
        store.downloadFolder(
                folder, dir, DownloadBudget.forModel("the " + what + " at " + folder, maxModelBytes, dir, 1));
    }

    /**
     * Downloads the validation shards of a published dataset into {@code dir}; returns how many. The
     * files are those its manifest lists (never a listing of the folder, which could hold a stray or
     * half-written file); an unpublished dataset has none.
     */
    public int downloadValidation(S3Uri datasetFolder, Path dir) {
        List<Manifest.Entry> shards = store.readManifest(datasetFolder)
                .map(m -> m.shards(ShardFormat.VALIDATION))
                .orElse(List.of());
        for (Manifest.Entry f : shards) {
            store.downloadVerified(datasetFolder, f, dir.resolve(f.path()));
        }
        return shards.size();
    }

    /** Downloads one benchmark file; a missing one is an input error that says what to upload. */
    public Path downloadFile(String uri, Path target) {
        S3Uri s3 = S3Uri.parse(uri);
        long size = store.stat(s3)
                .orElseThrow(() -> new StageFailure(
                        ErrorCodes.INPUT_NOT_FOUND,
                        "no benchmark file at " + uri + ": upload it (e.g." + " `aws s3 cp FILE " + uri
                                + "`) or fix evaluation.tasks[].uri",
                        false))
                .size();
        if (size > maxFileBytes) {
            throw new StageFailure(
                    ErrorCodes.INVALID_INPUT,
                    "the benchmark file " + uri + " has " + size + " bytes, more than the " + maxFileBytes
                            + " a task may read (lora.limits.eval-file-bytes): use a subset of it",
                    false);
        }
        DownloadBudget.requireRoom(target.getParent(), size, "the benchmark file " + uri);
        return store.download(s3, target);
    }

    /** Publishes every file of {@code dir} under {@code folder}, atomically. */
    public void publish(Path dir, S3Uri folder) {
        store.publish(folder, dir);
    }

    private static S3Uri folder(String uri) {
        return S3Uri.parse(uri.endsWith("/") ? uri : uri + "/");
    }
}

package org.lorapipe.merge.storage;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.artifact.Manifest;
import org.lorapipe.contract.dataset.ShardFormat;
import org.lorapipe.contract.dataset.ShardReader;
import org.lorapipe.merging.domain.MergeException;
import org.lorapipe.service.storage.DownloadBudget;
import org.lorapipe.storage.ObjectInfo;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;

/**
 * Fetches what a merge reads from object storage into local folders: the base model (only the files a
 * merge uses: config, tokenizer, generation config, safetensors and their index; no README or
 * original checkpoints), the PEFT adapter, and a few held-out sequences of the run's dataset.
 */
@ApplicationScoped
public class MergeInputs {
    private static final Logger LOG = Logger.getLogger(MergeInputs.class);

    /** Base model files the merge reads or copies. */
    static final Pattern BASE_FILES = Pattern.compile("config\\.json|generation_config\\.json|tokenizer[^/]*"
            + "|special_tokens_map\\.json|[^/]+\\.safetensors|model\\.safetensors\\.index\\.json");

    /** The two files of a PEFT adapter. */
    public static final List<String> ADAPTER_FILES = List.of("adapter_config.json", "adapter_model.safetensors");

    private final ObjectStore store;

    public MergeInputs(ObjectStore store) {
        this.store = store;
    }

    /** The bucket root, against which {@link BucketLayout} keys resolve. */
    public S3Uri bucketRoot() {
        return store.config().bucketRoot();
    }

    /**
     * Downloads the base model at {@code baseModel} (an s3:// folder) into {@code dir}.
     *
     * @param maxBytes largest total size of its files ({@code lora.limits.model-bytes})
     * @throws InputNotFoundException there is no model, or it has no weights
     * @throws org.lorapipe.service.jobs.StageFailure the model is larger than {@code maxBytes}, or the work
     *     folder has no room for it and the merged copy
     */
    public Path downloadBase(String baseModel, Path dir, long maxBytes) {
        S3Uri folder = S3Uri.parse(baseModel).asPrefix();
        List<ObjectInfo> files = store.list(folder, false).stream()
                .filter(o -> !o.prefix()
                        && BASE_FILES.matcher(o.uri().relativeTo(folder)).matches())
                .toList();
        String importHint = ": import one with `lora import ... --name NAME` and point baseModel at s3://"
                + folder.bucket() + "/models/NAME";
        if (files.stream().noneMatch(o -> o.uri().fileName().equals("config.json"))) {
            throw new InputNotFoundException(
                    "no base model at " + folder + " (its config.json is missing)" + importHint);
        }
        long weightBytes = files.stream()
                .filter(o -> o.uri().key().endsWith(".safetensors"))
                .mapToLong(ObjectInfo::size)
                .sum();
        if (weightBytes == 0) {
            throw new InputNotFoundException(
                    "the base model at " + folder + " has no *.safetensors weights" + importHint + " --force");
        }
        long total = files.stream().mapToLong(ObjectInfo::size).sum();
        // the merged model is written beside the base, twice its size when a 16-bit base becomes float32
        DownloadBudget.forModel("the base model at " + folder, maxBytes, dir, 3).accept(total);
        Map<String, Manifest.Entry> listed = new HashMap<>();
        store.readManifest(folder).ifPresent(m -> m.files().forEach(e -> listed.put(e.path(), e)));
        for (ObjectInfo o : files) {
            String name = o.uri().relativeTo(folder);
            Manifest.Entry entry = listed.get(name);
            if (entry != null) { // an imported model is a publication: checked against its sha256
                store.downloadVerified(folder, entry, dir.resolve(name));
            } else if (listed.isEmpty()) { // uploaded by other tools: no manifest to check against
                store.download(o.uri(), dir.resolve(name));
            } else {
                throw new MergeException("the base model at " + folder + " holds " + name
                        + ", which its manifest does not list: it was added after the model was imported;"
                        + " import the model again");
            }
        }
        return dir;
    }

    /** The manifest of the publication at the folder {@code folderUri}, or empty when it has none. */
    public Optional<Manifest> publishedFiles(String folderUri) {
        return store.readManifest(S3Uri.parse(folderUri).asPrefix());
    }

    /**
     * Downloads the PEFT adapter at {@code adapterUri} into {@code dir}.
     *
     * @throws InputNotFoundException naming each missing file and how to produce it
     */
    public Path downloadAdapter(String adapterUri, String requestId, Path dir) {
        S3Uri folder;
        try {
            folder = S3Uri.parse(adapterUri)
                    .asPrefix()
                    .requireInBucket(store.config().bucket());
        } catch (IllegalArgumentException e) {
            throw new MergeException("adapterUri: " + e.getMessage());
        }
        List<String> missing = new ArrayList<>();
        for (String name : ADAPTER_FILES) {
            if (!store.exists(folder.resolve(name))) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new InputNotFoundException("the adapter at " + folder + " lacks " + String.join(" and ", missing)
                    + ": the trainer-service publishes it there when run " + requestId
                    + " finishes (re-submit the request to train it again), or upload a PEFT adapter ("
                    + String.join(" + ", ADAPTER_FILES) + ") there and point adapterUri at it");
        }
        // the trainer's adapter is a publication: its files are checked against their sha256
        store.downloadFolder(folder, dir, total -> DownloadBudget.requireRoom(dir, total, "the adapter " + folder));
        return dir;
    }

    /**
     * Up to {@code count} sequences of the run's validation split ({@code datasets/ID/validation-*.bin}
     * of a published dataset), each cut to {@code maxTokens}; empty when the run has no validation data.
     */
    public List<int[]> validationSequences(String requestId, int count, int maxTokens) {
        S3Uri folder = store.config().bucketRoot().resolve(BucketLayout.dataset(requestId));
        Optional<Manifest> manifest = store.readManifest(folder);
        List<int[]> out = new ArrayList<>();
        if (manifest.isEmpty()) {
            return out;
        }
        for (Manifest.Entry shard : manifest.get().shards(ShardFormat.VALIDATION)) {
            try (InputStream in = store.get(folder.resolve(shard.path()));
                    ShardReader reader = new ShardReader(in, shard.path())) {
                while (out.size() < count && reader.hasNext()) {
                    int[] ids = reader.next().ids();
                    out.add(Arrays.copyOf(ids, Math.min(ids.length, maxTokens)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + folder.resolve(shard.path()), e);
            } catch (IllegalStateException e) {
                // a damaged shard is the dataset stage's problem; the merge is checked on what was read
                LOG.warnf("%s: %s; verifying on the %d sequence(s) read so far", requestId, e.getMessage(), out.size());
                break;
            }
            if (out.size() >= count) {
                break;
            }
        }
        return out;
    }
}

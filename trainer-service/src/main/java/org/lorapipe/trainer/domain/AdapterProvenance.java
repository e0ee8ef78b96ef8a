package org.lorapipe.trainer.domain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.lorapipe.contract.artifact.AdapterOrigin;
import org.lorapipe.contract.artifact.LineageEntry;
import org.lorapipe.contract.artifact.Manifest;
import org.lorapipe.contract.artifact.ModelCard;
import org.lorapipe.contract.artifact.ModelIdentity;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.TrainingRequest;

/**
 * What an adapter says about where it comes from: the base model's name for Hugging Face tools, our
 * {@code s3://} locations and every input's sha256 ({@link AdapterOrigin}), and its model card.
 */
public final class AdapterProvenance {

    private AdapterProvenance() {}

    /**
     * The origin of an adapter trained on the model downloaded to {@code modelDir}. The base model's name
     * is its Hugging Face id or name from its {@value ModelIdentity#FILE}, else the folder's name. Lineage:
     * the base model's files (the sha256 from {@code modelFiles}, its publication's manifest, or hashed
     * here when it has none), the prepared dataset's files ({@code datasetFiles}) and the tokenizer the
     * dataset was cut with.
     */
    public static AdapterOrigin origin(
            DatasetPrepared event,
            DatasetManifest dataset,
            Path modelDir,
            Optional<Manifest> modelFiles,
            Optional<Manifest> datasetFiles) {
        TrainingRequest request = event.request();
        Path identityFile = modelDir.resolve(ModelIdentity.FILE);
        ModelIdentity identity =
                Files.isRegularFile(identityFile) ? Json.read(readString(identityFile), ModelIdentity.class) : null;
        String nameOrPath = identity != null ? identity.nameOrPath() : ModelIdentity.nameFromUri(request.baseModel());
        List<LineageEntry> lineage = new ArrayList<>(
                LineageEntry.ofFolder(LineageEntry.BASE_MODEL, request.baseModel(), modelDir, modelFiles));
        datasetFiles.ifPresent(
                m -> lineage.addAll(LineageEntry.ofManifest(LineageEntry.DATASET, event.datasetUri(), m)));
        if (dataset.tokenizerSha256() != null) {
            String base = request.baseModel().endsWith("/") ? request.baseModel() : request.baseModel() + "/";
            lineage.add(new LineageEntry(
                    LineageEntry.TOKENIZER, base + "tokenizer.json", "tokenizer.json", dataset.tokenizerSha256()));
        }
        return new AdapterOrigin(
                request.baseModel(),
                nameOrPath,
                event.datasetUri(),
                lineage,
                identity != null ? identity.license() : null);
    }

    /** The facts of the adapter's model card (not evaluated yet: the evaluation comes later). */
    public static ModelCard.Facts card(TrainingRequest request, AdapterOrigin origin, TrainingMetrics metrics) {
        return new ModelCard.Facts(
                ModelCard.Kind.ADAPTER,
                request,
                origin.baseModelNameOrPath(),
                origin.license(),
                origin.datasetUri(),
                metrics,
                Map.of(),
                Map.of(),
                origin.lineage(),
                Instant.now().toString());
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

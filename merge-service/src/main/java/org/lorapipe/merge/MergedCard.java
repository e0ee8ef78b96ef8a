package org.lorapipe.merge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.lorapipe.contract.artifact.AdapterOrigin;
import org.lorapipe.contract.artifact.LineageEntry;
import org.lorapipe.contract.artifact.Manifest;
import org.lorapipe.contract.artifact.ModelCard;
import org.lorapipe.contract.artifact.ModelIdentity;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.event.Verification;
import org.lorapipe.contract.json.Json;
import org.lorapipe.storage.S3Uri;

/**
 * The model card of a merged model: base model as the adapter names it, the request, the training
 * figures of the adapter, the evaluation results of the EvaluationCompleted being merged, the merge's
 * dtype and verification, and the lineage: the base model's and the dataset's files (from the adapter's
 * {@value AdapterOrigin#FILE}; for an adapter without one, the base files downloaded here), every file of
 * the adapter and the evaluation report.
 */
final class MergedCard {

    private MergedCard() {}

    /**
     * @param adapterDir the adapter as downloaded (its publication's files)
     * @param baseDir the base model files downloaded for the merge
     * @param files the publications' manifests by folder URI (adapter, base model, evaluation), where known
     */
    static ModelCard.Facts facts(
            EvaluationCompleted event,
            Path adapterDir,
            Path baseDir,
            Map<String, Optional<Manifest>> files,
            String dtype,
            Verification verification) {
        String adapterUri = folderOf(event.adapterUri());
        Optional<AdapterOrigin> origin = read(adapterDir.resolve(AdapterOrigin.FILE), AdapterOrigin.class);
        Optional<TrainingRecord> training = read(adapterDir.resolve(TrainingRecord.FILE), TrainingRecord.class);
        List<LineageEntry> lineage = new ArrayList<>();
        if (origin.isPresent()) {
            lineage.addAll(origin.get().lineage());
        } else {
            String base = folderOf(event.request().baseModel());
            lineage.addAll(LineageEntry.ofFolder(
                    LineageEntry.BASE_MODEL, base, baseDir, files.getOrDefault(base, Optional.empty())));
        }
        lineage.addAll(LineageEntry.ofFolder(
                LineageEntry.ADAPTER, adapterUri, adapterDir, files.getOrDefault(adapterUri, Optional.empty())));
        if (event.reportUri() != null) {
            String report = event.reportUri();
            String folder = report.substring(0, report.lastIndexOf('/') + 1);
            files.getOrDefault(folder, Optional.empty())
                    .flatMap(m -> m.file(report.substring(folder.length())))
                    .ifPresent(e -> lineage.add(
                            new LineageEntry(LineageEntry.EVALUATION, event.reportUri(), e.path(), e.sha256())));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("dtype", dtype);
        details.put("verification", verification);
        details.put("adapter_uri", adapterUri);
        TrainingMetrics metrics = training.map(TrainingRecord::metrics).orElse(null);
        return new ModelCard.Facts(
                ModelCard.Kind.MERGED,
                event.request(),
                origin.map(AdapterOrigin::baseModelNameOrPath)
                        .orElseGet(
                                () -> ModelIdentity.nameFromUri(event.request().baseModel())),
                origin.map(AdapterOrigin::license).orElse(null),
                origin.map(AdapterOrigin::datasetUri).orElse(null),
                metrics,
                event.results(),
                details,
                lineage,
                Instant.now().toString());
    }

    /** An s3:// folder URI with its trailing '/', the key of {@code files}. */
    static String folderOf(String uri) {
        return S3Uri.parse(uri).asPrefix().toString();
    }

    private static <T> Optional<T> read(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(Files.readString(file), type));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

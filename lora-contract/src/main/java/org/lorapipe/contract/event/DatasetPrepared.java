package org.lorapipe.contract.event;

import java.time.Instant;
import org.lorapipe.contract.request.TrainingRequest;

/** {@code lora.dataset.prepared}: the curated, tokenized splits are published at {@code datasetUri}. */
public record DatasetPrepared(
        int schemaVersion,
        String requestId,
        Instant occurredAt,
        TrainingRequest request,
        String datasetUri,
        DatasetManifest manifest)
        implements PipelineEvent {

    public static DatasetPrepared of(TrainingRequest request, String datasetUri, DatasetManifest manifest) {
        return new DatasetPrepared(SCHEMA_VERSION, request.requestId(), Instant.now(), request, datasetUri, manifest);
    }
}

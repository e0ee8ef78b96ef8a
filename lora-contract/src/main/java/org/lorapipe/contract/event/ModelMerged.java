package org.lorapipe.contract.event;

import java.time.Instant;
import java.util.List;
import org.lorapipe.contract.request.TrainingRequest;

/**
 * {@code lora.model.merged}: the merged model is published at {@code modelUri}. When the request's gate
 * blocked the merge, {@code merged} is false, {@code modelUri} is absent and {@code reason} says why.
 */
public record ModelMerged(
        int schemaVersion,
        String requestId,
        Instant occurredAt,
        TrainingRequest request,
        String modelUri,
        List<ModelFile> files,
        String dtype,
        Verification verification,
        Boolean merged,
        String reason)
        implements PipelineEvent {
    // a run not merged on purpose keeps this event at BucketLayout.notMerged(requestId)
}

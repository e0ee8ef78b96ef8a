package org.lorapipe.contract.event;

import java.time.Instant;
import java.util.List;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.request.TrainingRequest;

/**
 * {@code lora.pipeline.failed}: a stage gave up on a request. {@code problems} lists every problem
 * separately when there are several (the message has them too); {@code retriable} tells whether sending
 * the same input again may succeed.
 */
public record PipelineFailed(
        int schemaVersion,
        String requestId,
        Instant occurredAt,
        TrainingRequest request,
        Stage stage,
        FailureError error,
        boolean retriable,
        List<String> problems)
        implements PipelineEvent {

    public static PipelineFailed of(
            String requestId,
            TrainingRequest request,
            Stage stage,
            String code,
            String message,
            boolean retriable,
            List<String> problems) {
        return new PipelineFailed(
                SCHEMA_VERSION,
                requestId,
                Instant.now(),
                request,
                stage,
                new FailureError(code, message),
                retriable,
                problems == null || problems.isEmpty() ? null : problems);
    }
}

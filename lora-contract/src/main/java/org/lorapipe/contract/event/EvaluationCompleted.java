package org.lorapipe.contract.event;

import java.time.Instant;
import java.util.Map;
import org.lorapipe.contract.request.TrainingRequest;

/** {@code lora.evaluation.completed}: results per task, and the report at {@code reportUri}. */
public record EvaluationCompleted(
        int schemaVersion,
        String requestId,
        Instant occurredAt,
        TrainingRequest request,
        String adapterUri,
        Map<String, TaskResult> results,
        String reportUri)
        implements PipelineEvent {}

package org.lorapipe.contract.event;

import java.time.Instant;
import org.lorapipe.contract.request.TrainingRequest;

/** {@code lora.adapter.trained}: a PEFT-format adapter is published at {@code adapterUri}. */
public record AdapterTrained(
        int schemaVersion,
        String requestId,
        Instant occurredAt,
        TrainingRequest request,
        String adapterUri,
        TrainingMetrics metrics)
        implements PipelineEvent {}

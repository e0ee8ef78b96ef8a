package org.lorapipe.contract.event;

import java.time.Instant;
import org.lorapipe.contract.request.TrainingRequest;

/** {@code lora.training.progress}: a training run's heartbeat, at most every few seconds. */
public record TrainingProgress(
        int schemaVersion,
        String requestId,
        Instant occurredAt,
        TrainingRequest request,
        long step,
        long totalSteps,
        double epoch,
        double loss,
        double learningRate,
        double tokensPerSecond,
        long elapsedMs,
        long etaMs,
        MemoryUsage memory)
        implements PipelineEvent {}

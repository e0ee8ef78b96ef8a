package org.lorapipe.contract.event;

/** The figures of a finished training run, carried by AdapterTrained. */
public record TrainingMetrics(
        double trainLoss,
        double validationLoss,
        long trainTokens,
        long durationMs,
        long peakRssBytes,
        double tokensPerSecond,
        long trainableParameters,
        long totalParameters) {}

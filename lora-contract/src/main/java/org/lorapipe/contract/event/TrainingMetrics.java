package org.lorapipe.contract.event;

/**
 * The figures of a finished training run, carried by AdapterTrained.
 *
 * @param trainLoss mean loss of the last steps of the run (up to 10), as the curve ends
 * @param validationLoss mean next-token loss on the held-out split; absent when there is none
 */
public record TrainingMetrics(
        double trainLoss,
        Double validationLoss,
        long trainTokens,
        long durationMs,
        long peakRssBytes,
        double tokensPerSecond,
        long trainableParameters,
        long totalParameters) {}

package org.lorapipe.contract.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The figures of a finished training run, carried by AdapterTrained.
 *
 * @param trainLoss mean loss of the last steps of the run (up to 10), as the curve ends
 * @param validationLoss mean next-token loss on the held-out split; absent when there is none
 * @param peakRssBytes the run's own peak resident memory (the trainer resets the high-water mark when a
 *     job starts)
 * @param memory the run's memory, measured and predicted; absent in events written before it existed
 */
public record TrainingMetrics(
        double trainLoss,
        Double validationLoss,
        long trainTokens,
        long durationMs,
        long peakRssBytes,
        double tokensPerSecond,
        long trainableParameters,
        long totalParameters,
        RunMemory memory) {

    @JsonCreator
    public TrainingMetrics(
            @JsonProperty("trainLoss") double trainLoss,
            @JsonProperty("validationLoss") Double validationLoss,
            @JsonProperty("trainTokens") long trainTokens,
            @JsonProperty("durationMs") long durationMs,
            @JsonProperty("peakRssBytes") long peakRssBytes,
            @JsonProperty("tokensPerSecond") double tokensPerSecond,
            @JsonProperty("trainableParameters") long trainableParameters,
            @JsonProperty("totalParameters") long totalParameters,
            @JsonProperty("memory") RunMemory memory) {
        this.trainLoss = trainLoss;
        this.validationLoss = validationLoss;
        this.trainTokens = trainTokens;
        this.durationMs = durationMs;
        this.peakRssBytes = peakRssBytes;
        this.tokensPerSecond = tokensPerSecond;
        this.trainableParameters = trainableParameters;
        this.totalParameters = totalParameters;
        this.memory = memory;
    }

    /** Figures without the memory breakdown (as written before it existed). */
    public TrainingMetrics(
            double trainLoss,
            Double validationLoss,
            long trainTokens,
            long durationMs,
            long peakRssBytes,
            double tokensPerSecond,
            long trainableParameters,
            long totalParameters) {
        this(
                trainLoss,
                validationLoss,
                trainTokens,
                durationMs,
                peakRssBytes,
                tokensPerSecond,
                trainableParameters,
                totalParameters,
                null);
    }
}

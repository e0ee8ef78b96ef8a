package org.lorapipe.sweep.report;

/**
 * The training figures of one setting over its trained seeds (from each run's {@code training.json}).
 *
 * @param trainLoss the final training loss (mean of the last steps)
 * @param trainLossMark against the best (lowest) setting
 * @param validationLoss the held-out loss
 * @param validationLossMark against the best (lowest) setting
 * @param peakRssBytes the run's measured peak resident memory
 * @param predictedPeakBytes the peak predicted before training, over every run of the setting with a
 *     prediction (a prediction does not depend on whether the run trained)
 * @param predictionError (predicted - measured) / measured, over the trained runs with both
 * @param durationMs training wall time
 */
public record TrainingSummary(
        Summary trainLoss,
        Mark trainLossMark,
        Summary validationLoss,
        Mark validationLossMark,
        Summary peakRssBytes,
        Summary predictedPeakBytes,
        Summary predictionError,
        Summary tokensPerSecond,
        Summary durationMs,
        Summary trainableParameters,
        Summary totalParameters) {

    public TrainingSummary withMarks(Mark train, Mark validation) {
        return new TrainingSummary(
                trainLoss,
                train,
                validationLoss,
                validation,
                peakRssBytes,
                predictedPeakBytes,
                predictionError,
                tokensPerSecond,
                durationMs,
                trainableParameters,
                totalParameters);
    }
}

package org.lorapipe.tuning.train;

import java.util.List;
import org.lorapipe.contract.artifact.LossPoint;

/**
 * The figures of a finished run (the fields of AdapterTrained's metrics that training knows).
 *
 * @param losses the loss curve of the steps run by this call (steps restored from a checkpoint excluded)
 * @param trainLoss mean of {@code losses}
 * @param steps optimizer steps completed in total
 * @param trainTokens real tokens processed by this call
 * @param durationMs wall time of this call
 * @param tokensPerSecond trainTokens / duration
 * @param peakRssBytes VmHWM at the end
 */
public record TrainingResult(
        List<LossPoint> losses,
        double trainLoss,
        long steps,
        long trainTokens,
        long durationMs,
        double tokensPerSecond,
        long peakRssBytes) {}

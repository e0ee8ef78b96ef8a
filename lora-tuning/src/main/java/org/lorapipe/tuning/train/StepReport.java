package org.lorapipe.tuning.train;

import org.lorapipe.contract.event.MemoryUsage;

/**
 * What one optimizer step reports (the fields of TrainingProgress).
 *
 * @param step optimizer steps completed (1-based)
 * @param totalSteps steps of the whole run
 * @param epoch fractional epoch (2.5 = half way through the third pass)
 * @param loss mean NLL over the step's counted labels
 * @param learningRate the lr this step used
 * @param gradNorm global gradient norm before clipping
 * @param tokensPerSecond real (non-padding) tokens per second since this run (or resume) started
 * @param elapsedMs since this run (or resume) started
 * @param etaMs estimate of the remaining time
 * @param memory rss, weight, trainable and optimizer bytes, and peak rss
 */
public record StepReport(
        long step,
        long totalSteps,
        double epoch,
        double loss,
        double learningRate,
        double gradNorm,
        double tokensPerSecond,
        long elapsedMs,
        long etaMs,
        MemoryUsage memory) {}

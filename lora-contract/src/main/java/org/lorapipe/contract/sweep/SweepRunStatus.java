package org.lorapipe.contract.sweep;

import org.lorapipe.contract.event.FailureError;

/**
 * One run's line in a sweep's progress: where it is and, once trained, its headline figures.
 *
 * @param state {@code queued} (published, no end seen yet), or the {@link SweepRunEnded#outcome()}
 * @param setting the {@link SweepSetting#index()} it trains
 * @param trainLoss mean loss of the last steps; absent until trained
 * @param validationLoss mean held-out loss; absent until trained or without a validation split
 * @param peakRssBytes the run's own peak resident memory
 * @param estimatedPeakBytes the peak the trainer predicted before the run trained
 * @param tokensPerSecond training throughput
 * @param durationMs training wall time
 * @param error why it failed, for {@code failed}
 */
public record SweepRunStatus(
        int n,
        String requestId,
        int setting,
        long seed,
        String state,
        Double trainLoss,
        Double validationLoss,
        Long peakRssBytes,
        Long estimatedPeakBytes,
        Double tokensPerSecond,
        Long durationMs,
        FailureError error) {
    public static final String QUEUED = "queued";

    /** A run of the plan with no end seen yet. */
    public static SweepRunStatus queued(SweepRun run) {
        return new SweepRunStatus(
                run.n(), run.requestId(), run.setting(), run.seed(), QUEUED, null, null, null, null, null, null, null);
    }

    public boolean ended() {
        return !QUEUED.equals(state);
    }
}

package org.lorapipe.service.consumer;

import java.time.Duration;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.service.jobs.StageFailure;

/**
 * The line between a running job and the consumer that owns its record. The consumer calls
 * {@link #stop} when the record's partition is revoked or the service shuts down; the job looks at
 * {@link #stopRequested} at its step boundaries (the trainer after a checkpoint) and calls
 * {@link #throwIfStopped} before anything it must not do once it has lost ownership, such as publishing
 * files.
 *
 * <p>A job also stops at its next boundary once it has run longer than its time limit
 * ({@code lora.limits.job-time}); unlike a stop for a hand-over, that ends in a failure event.
 */
public final class JobControl {
    /** A control that is never stopped, for running a stage's work outside a consumer (tests, tools). */
    public static final JobControl NONE = new JobControl();

    private volatile String stopReason;
    private volatile long deadlineNanos;
    private volatile Duration timeLimit;

    /** Asks the job to stop at its next boundary. */
    public void stop(String reason) {
        if (this != NONE) {
            stopReason = reason;
        }
    }

    /** Starts the job's clock: from now it may run for {@code limit}. */
    void limitTime(Duration limit) {
        if (this != NONE) {
            deadlineNanos = System.nanoTime() + Math.min(limit.toNanos(), Long.MAX_VALUE / 2);
            timeLimit = limit;
        }
    }

    /** True once the consumer asked the job to stop (hand-over, shutdown) or its time is up. */
    public boolean stopRequested() {
        return stopReason != null || timedOut();
    }

    /** True when the consumer asked the job to stop: its record goes to the next owner, unanswered. */
    boolean handedOver() {
        return stopReason != null;
    }

    /** True when the job has run longer than its time limit. */
    boolean timedOut() {
        Duration limit = timeLimit;
        return limit != null && System.nanoTime() - deadlineNanos >= 0;
    }

    /** The failure of a job that ran out of time: the request asked for more than one job may do. */
    StageFailure timeLimitFailure() {
        return new StageFailure(
                ErrorCodes.INVALID_REQUEST,
                "the job ran longer than " + timeLimit + " (lora.limits.job-time of this stage) and was stopped:"
                        + " ask for less work (fewer training.epochs or a training.maxSteps, a smaller dataset,"
                        + " fewer evaluation items) or raise the limit",
                false);
    }

    /**
     * Throws {@link JobStoppedException} when {@link #stop} was called, or the time-limit failure when the
     * job's time is up.
     */
    public void throwIfStopped() {
        String reason = stopReason;
        if (reason != null) {
            throw new JobStoppedException("stopped: " + reason);
        }
        if (timedOut()) {
            throw timeLimitFailure();
        }
    }
}

package org.lorapipe.service.consumer;

/**
 * The line between a running job and the consumer that owns its record. The consumer calls
 * {@link #stop} when the record's partition is revoked or the service shuts down; the job looks at
 * {@link #stopRequested} at its step boundaries (the trainer after a checkpoint) and calls
 * {@link #throwIfStopped} before anything it must not do once it has lost ownership, such as publishing
 * files.
 */
public final class JobControl {
    /** A control that is never stopped, for running a stage's work outside a consumer (tests, tools). */
    public static final JobControl NONE = new JobControl();

    private volatile String stopReason;

    /** Asks the job to stop at its next boundary. */
    public void stop(String reason) {
        if (this != NONE) {
            stopReason = reason;
        }
    }

    public boolean stopRequested() {
        return stopReason != null;
    }

    /** Throws {@link JobStoppedException} when {@link #stop} was called. */
    public void throwIfStopped() {
        String reason = stopReason;
        if (reason != null) {
            throw new JobStoppedException("stopped: " + reason);
        }
    }
}

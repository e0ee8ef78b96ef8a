package org.lorapipe.trainer.domain;

/** Lets a progress event through at most every {@code intervalMs}, and always for the first and last step. */
public final class ProgressThrottle {
    private final long intervalNanos;
    private long last = Long.MIN_VALUE;

    public ProgressThrottle(long intervalMs) {
        this.intervalNanos = intervalMs * 1_000_000L;
    }

    public boolean due(long step, long totalSteps) {
        long now = System.nanoTime();
        if (last == Long.MIN_VALUE || step >= totalSteps || now - last >= intervalNanos) {
            last = now;
            return true;
        }
        return false;
    }
}

package org.lorapipe.trainer.domain;

/**
 * The baseline a run's memory estimate starts from: this trainer's resident memory at job start, but
 * not more than the lowest it has had at a job start plus {@link #SETTLING}.
 *
 * <p>Even after {@code malloc_trim}, a run that follows a large one can start with 100-150 MiB more
 * resident than usual: free memory the C allocator's per-thread arenas still hold, which the run then
 * reuses instead of growing. The peaks of the article sweeps' runs did not follow their baselines
 * (stories260K on the story task peaked at 600-720 MiB from baselines of 300-500 MiB), so counting
 * such a baseline in full predicted up to 17% high. {@link #SETTLING} is what a trainer keeps after its
 * first job (its runtime warmed up: JIT code, thread pools, the engine's caches; 40-70 MiB measured).
 *
 * <p>One per process; the lowest baseline is a measurement of this process, not shared state.
 */
public final class SettledBaseline {

    /** Resident memory a warmed-up trainer keeps above its lowest job-start RSS. */
    public static final long SETTLING = 64L << 20;

    private long lowest = Long.MAX_VALUE;

    /** The baseline for a job that starts with {@code rssBytes} resident. */
    public synchronized long baseline(long rssBytes) {
        if (rssBytes <= 0) {
            return rssBytes; // no /proc: nothing measured, nothing to settle
        }
        lowest = Math.min(lowest, rssBytes);
        return Math.min(rssBytes, lowest + SETTLING);
    }
}

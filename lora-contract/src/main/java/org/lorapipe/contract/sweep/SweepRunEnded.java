package org.lorapipe.contract.sweep;

import java.time.Instant;
import org.lorapipe.contract.event.FailureError;

/**
 * {@code lora.sweep.runs} (internal to the sweep-service): one run of a sweep reached its end. The
 * sweep-service re-keys the runs' last events by sweep id with it, so that one replica, the owner of the
 * sweep's partition, assembles a sweep's report.
 *
 * @param n the run's number in the sweep
 * @param requestId the run's request id, {@code {sweepId}-{n}}
 * @param outcome {@code merged}, {@code not-merged} (the run finished without a merged model on
 *     purpose) or {@code failed}
 * @param stage the stage that failed, for {@code failed}
 * @param error what failed, for {@code failed}
 */
public record SweepRunEnded(
        int schemaVersion,
        String sweepId,
        Instant occurredAt,
        int n,
        String requestId,
        String outcome,
        String stage,
        FailureError error) {
    public static final String MERGED = "merged";
    public static final String NOT_MERGED = "not-merged";
    public static final String FAILED = "failed";

    /** The file of run {@code n}'s end in {@code sweeps/{id}/runs/}. */
    public static String file(int n) {
        return "runs/" + n + ".json";
    }

    /** Whether the run trained (merged or not): its results can be read. */
    public boolean trained() {
        return !FAILED.equals(outcome);
    }
}

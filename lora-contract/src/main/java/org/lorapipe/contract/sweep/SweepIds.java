package org.lorapipe.contract.sweep;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ids of a sweep and of its runs. A run's request id is {@code {sweepId}-{n}}, so any stage's event
 * names the sweep it belongs to; the id alone only suggests membership (a user may name a run
 * {@code rank-1} without a sweep {@code rank}), which the sweep's plan confirms.
 */
public final class SweepIds {
    /** Letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters. */
    public static final Pattern SWEEP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** {@code {sweepId}-{n}}, n without leading zeros and at most 4 digits. */
    private static final Pattern RUN_ID = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,99})-([1-9][0-9]{0,3})");

    /** A run of a sweep as its request id names it. */
    public record RunRef(String sweepId, int n) {}

    private SweepIds() {}

    /** The request id of run {@code n} of {@code sweepId}. */
    public static String runId(String sweepId, int n) {
        return sweepId + "-" + n;
    }

    /** The sweep and run number a request id would have as a sweep's run; empty when it cannot be one. */
    public static Optional<RunRef> parse(String requestId) {
        if (requestId == null) {
            return Optional.empty();
        }
        Matcher m = RUN_ID.matcher(requestId);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new RunRef(m.group(1), Integer.parseInt(m.group(2))));
    }
}

package org.lorapipe.sweep.report;

import java.util.Collection;
import java.util.List;

/**
 * A figure over the seeds of one setting: how many values there were, their mean and their sample
 * standard deviation (n - 1 in the denominator). Values that are not finite (NaN, infinite) are not
 * counted; {@code mean} is absent without a value and {@code sd} with fewer than two, so the report's
 * JSON never holds NaN or Infinity.
 *
 * @param n how many values the figure is over
 */
public record Summary(int n, Double mean, Double sd) {

    public static final Summary EMPTY = new Summary(0, null, null);

    public Summary {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        mean = finiteOrNull(mean);
        sd = finiteOrNull(sd);
    }

    /**
     * The summary of the finite values. Sums run over the differences to the first value, so values that
     * are all equal give exactly that value and a standard deviation of exactly 0.
     */
    public static Summary of(Collection<Double> values) {
        List<Double> finite =
                values.stream().filter(v -> v != null && Double.isFinite(v)).toList();
        int n = finite.size();
        if (n == 0) {
            return EMPTY;
        }
        double first = finite.get(0);
        double shifted = 0;
        for (double v : finite) {
            shifted += v - first;
        }
        double mean = first + shifted / n;
        if (n == 1) {
            return new Summary(1, mean, null);
        }
        double squares = 0;
        for (double v : finite) {
            squares += (v - mean) * (v - mean);
        }
        return new Summary(n, mean, Math.sqrt(squares / (n - 1)));
    }

    /** Whether there is a mean. */
    public boolean known() {
        return mean != null;
    }

    /** The mean, NaN when unknown (for charts). */
    public double meanOrNaN() {
        return mean == null ? Double.NaN : mean;
    }

    /** The standard deviation, NaN when unknown (for charts). */
    public double sdOrNaN() {
        return sd == null ? Double.NaN : sd;
    }

    static Double finiteOrNull(Double v) {
        return v != null && Double.isFinite(v) ? v : null;
    }
}

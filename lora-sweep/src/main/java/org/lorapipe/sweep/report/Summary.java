package org.lorapipe.sweep.report;

import java.util.Collection;

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

    public static Summary of(Collection<Double> values) {
        int n = 0;
        double sum = 0;
        for (Double v : values) {
            if (v != null && Double.isFinite(v)) {
                n++;
                sum += v;
            }
        }
        if (n == 0) {
            return EMPTY;
        }
        double mean = sum / n;
        if (n == 1) {
            return new Summary(1, mean, null);
        }
        double squares = 0;
        for (Double v : values) {
            if (v != null && Double.isFinite(v)) {
                squares += (v - mean) * (v - mean);
            }
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

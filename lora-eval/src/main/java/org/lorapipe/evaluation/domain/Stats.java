package org.lorapipe.evaluation.domain;

/**
 * The few statistics the report needs, as lm-evaluation-harness computes them: the standard error of
 * a mean is the sample standard deviation (n - 1 denominator) over sqrt(n); for 0/1 outcomes that is
 * sqrt(p (1 - p) / (n - 1)).
 */
public final class Stats {

    private Stats() {}

    public static double mean(double[] x) {
        if (x.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Sample standard deviation / sqrt(n); NaN for fewer than 2 values. */
    public static double stderrOfMean(double[] x) {
        int n = x.length;
        if (n < 2) {
            return Double.NaN;
        }
        double m = mean(x);
        double ss = 0;
        for (double v : x) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
    }

    /** Element-wise b - a; both must have the same length. */
    public static double[] difference(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired samples differ in size: " + a.length + " vs " + b.length);
        }
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = b[i] - a[i];
        }
        return d;
    }

    /** Index of the first maximum (numpy's argmax). */
    public static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}

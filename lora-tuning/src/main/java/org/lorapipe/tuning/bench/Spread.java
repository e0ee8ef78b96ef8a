package org.lorapipe.tuning.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Minimum, median and maximum of repeated measurements. */
public record Spread(double min, double median, double max, int n) {

    public static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Spread(v[0], median, v[n - 1], n);
    }

    /** "median (min-max)" with {@code decimals} decimals. */
    public String format(int decimals) {
        String f = "%,." + decimals + "f";
        return String.format(Locale.ROOT, f + " (" + f + "-" + f + ")", median, min, max);
    }
}

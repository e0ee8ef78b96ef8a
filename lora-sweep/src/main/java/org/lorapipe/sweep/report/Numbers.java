package org.lorapipe.sweep.report;

import java.util.Locale;
import java.util.function.DoubleFunction;
import org.lorapipe.charts.Svg;

/** How report.md writes numbers: a few significant digits, thousands separated, units where they help. */
final class Numbers {

    static final String NONE = "—";
    static final double MIB = 1024.0 * 1024.0;

    private Numbers() {}

    /** A metric or loss: 4 decimals below 10, fewer above. */
    static String value(double v) {
        return Svg.number(v, 4);
    }

    /** {@code +0.1500} or {@code −0.0200}. */
    static String signed(double v) {
        return (v > 0 ? "+" : v < 0 ? "−" : "±") + value(Math.abs(v));
    }

    /**
     * "mean ± sd" with {@code unit} dividing both and {@code format} writing them; "—" for no value. A
     * figure without spread is written alone, and a whole number without spread (a count of items) as one.
     */
    static String summary(Summary s, double unit, DoubleFunction<String> format) {
        if (!s.known()) {
            return NONE;
        }
        double mean = s.mean() / unit;
        boolean noSpread = s.sd() == null || s.sd() == 0;
        if (noSpread && mean == Math.rint(mean) && Math.abs(mean) < 1e15) {
            return whole(mean);
        }
        return noSpread ? format.apply(mean) : format.apply(mean) + " ± " + format.apply(s.sd() / unit);
    }

    static String summary(Summary s) {
        return summary(s, 1, Numbers::value);
    }

    /** Bytes as mean ± sd in MiB. */
    static String mib(Summary bytes) {
        return bytes.known() ? summary(bytes, MIB, Numbers::whole) + " MiB" : NONE;
    }

    static String whole(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String seconds(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%.1f", v);
    }

    /** A fraction as a signed percentage, e.g. −3.2%. */
    static String percent(double fraction) {
        double p = fraction * 100;
        return (p > 0 ? "+" : p < 0 ? "−" : "") + String.format(Locale.ROOT, "%.1f%%", Math.abs(p));
    }
}

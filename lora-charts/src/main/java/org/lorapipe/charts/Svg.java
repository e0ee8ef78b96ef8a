package org.lorapipe.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small helpers shared by the hand-written SVG charts: escaping, number formats, "nice" axis ticks, the
 * few shapes every chart draws, and the colours.
 */
public final class Svg {

    public static final String FONT = "font-family=\"Inter, 'Helvetica Neue', Helvetica, Arial, sans-serif\"";
    public static final String TEXT = "#1f2937";
    public static final String MUTED = "#6b7280";
    public static final String GRID = "#e5e7eb";
    public static final String AXIS = "#9ca3af";
    public static final String BASE = "#94a3b8";
    public static final String TUNED = "#2563eb";
    public static final String GOOD = "#15803d";
    public static final String BAD = "#b91c1c";

    /**
     * Colours for series that have no meaning of their own (one per setting, say), distinct in hue and
     * readable on white; after the tenth they repeat.
     */
    public static final List<String> PALETTE = List.of(
            "#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777", "#4b5563",
            "#65a30d");

    private Svg() {}

    /** The colour of series {@code i} (from 0). */
    public static String palette(int i) {
        return PALETTE.get(Math.floorMod(i, PALETTE.size()));
    }

    /**
     * Text or an attribute value as XML: markup characters escaped, and characters XML cannot hold at
     * all (controls other than tab and line breaks, unpaired surrogates) replaced by U+FFFD, so text
     * from a request never breaks the document.
     */
    public static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> out.appendCodePoint(xmlChar(c) ? c : 0xFFFD);
            }
        }
        return out.toString();
    }

    /** {@code text} cut with an ellipsis to fit about {@code pixels} (at 6.5 pixels a character). */
    public static String fit(String text, double pixels) {
        int max = Math.max(3, (int) (pixels / 6.5));
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
    }

    private static boolean xmlChar(int c) {
        return c == '\t'
                || c == '\n'
                || c == '\r'
                || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    public static String f(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** A value for a label: 3 significant decimals for small numbers, fewer for large ones. */
    public static String label(double v) {
        return Double.isNaN(v) ? "n/a" : number(v, 3);
    }

    /**
     * A value as people read it: {@code smallDecimals} decimals below 10, 2 below 100, 1 below 1,000,
     * none from there on (with thousands separators).
     */
    public static String number(double v, int smallDecimals) {
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%." + smallDecimals + "f", v);
    }

    /** A tick label: as few decimals as the step needs. */
    public static String tick(double v, double step) {
        int decimals = Math.max(
                0,
                new java.math.BigDecimal(step)
                        .round(new java.math.MathContext(6))
                        .stripTrailingZeros()
                        .scale());
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** Ticks covering [lo, hi] with about {@code count} intervals of 1, 2 or 5 x 10^k. */
    public static List<Double> ticks(double lo, double hi, int count) {
        double step = niceStep(lo, hi, count);
        List<Double> out = new ArrayList<>();
        double start = Math.floor(lo / step) * step;
        for (double v = start; v <= hi + step * 1e-6; v += step) {
            out.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        }
        return out;
    }

    public static double niceStep(double lo, double hi, int count) {
        double range = hi - lo;
        if (!(range > 0)) {
            range = Math.abs(hi) > 0 ? Math.abs(hi) : 1;
        }
        double raw = range / count;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / mag;
        double nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
        return nice * mag;
    }

    /** The smallest tick value >= hi. */
    public static double niceCeil(double hi, int count) {
        double step = niceStep(0, hi, count);
        return Math.ceil(hi / step - 1e-9) * step;
    }

    public static void text(
            StringBuilder s, double x, double y, String anchor, int size, String color, String weight, String t) {
        s.append("<text x=\"")
                .append(f(x))
                .append("\" y=\"")
                .append(f(y))
                .append("\" text-anchor=\"")
                .append(anchor)
                .append("\" font-size=\"")
                .append(size)
                .append("\" fill=\"")
                .append(color)
                .append('"');
        if (weight != null) {
            s.append(" font-weight=\"").append(weight).append('"');
        }
        s.append('>').append(esc(t)).append("</text>\n");
    }

    public static void line(StringBuilder s, double x1, double y1, double x2, double y2, String color, double width) {
        s.append("<line x1=\"")
                .append(f(x1))
                .append("\" y1=\"")
                .append(f(y1))
                .append("\" x2=\"")
                .append(f(x2))
                .append("\" y2=\"")
                .append(f(y2))
                .append("\" stroke=\"")
                .append(color)
                .append("\" stroke-width=\"")
                .append(f(width))
                .append("\"/>\n");
    }

    /** A circle; {@code stroke} null for none, {@code cssClass} null for none (tests count by class). */
    public static void circle(
            StringBuilder s, double cx, double cy, double r, String fill, String stroke, String cssClass) {
        s.append("<circle");
        if (cssClass != null) {
            s.append(" class=\"").append(cssClass).append('"');
        }
        s.append(" cx=\"")
                .append(f(cx))
                .append("\" cy=\"")
                .append(f(cy))
                .append("\" r=\"")
                .append(f(r))
                .append("\" fill=\"")
                .append(fill)
                .append('"');
        if (stroke != null) {
            s.append(" stroke=\"").append(stroke).append("\" stroke-width=\"1.20\"");
        }
        s.append("/>\n");
    }

    /** A vertical error bar from {@code yHi} to {@code yLo} at {@code x}, with caps 12 pixels wide. */
    public static void errorBar(StringBuilder s, double x, double yHi, double yLo, String color) {
        line(s, x, yHi, x, yLo, color, 1.2);
        line(s, x - 6, yHi, x + 6, yHi, color, 1.2);
        line(s, x - 6, yLo, x + 6, yLo, color, 1.2);
    }

    /**
     * Horizontal gridlines across a panel from {@code left} to {@code right} at each tick, the zero line
     * darker, labelled on the left.
     *
     * @param step the distance between ticks, for the labels' decimals
     */
    public static void yGrid(StringBuilder s, List<Double> ticks, double step, Scale y, double left, double right) {
        for (double t : ticks) {
            double at = y.at(t);
            line(s, left, at, right, at, t == 0 ? AXIS : GRID, 1);
            text(s, left - 6, at + 4, "end", 10, MUTED, null, tick(t, step));
        }
    }

    public static StringBuilder open(int width, int height) {
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\" ")
                .append(FONT)
                .append(">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        return s;
    }
}

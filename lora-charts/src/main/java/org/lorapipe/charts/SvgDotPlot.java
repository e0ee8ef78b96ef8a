package org.lorapipe.charts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Values over categories as small multiples: one panel per quantity, each with its own y scale, the
 * categories along x in the order given (the values of a swept setting, say), and one or more series
 * side by side within each category. A cell shows its single values as small open circles (one per
 * seed, say) and their mean as a filled dot with a ±spread bar (one standard deviation, say); a
 * series' means are joined across neighbouring categories. Written by hand, no dependencies.
 */
public final class SvgDotPlot {

    /** A series: its legend entry and colour. */
    public record Series(String name, String color) {}

    /**
     * What one series has in one category of a panel.
     *
     * @param category index into the chart's categories
     * @param series index into the chart's series
     * @param values the single values (NaN ones are left out)
     * @param mean drawn as a filled dot; NaN for none
     * @param spread half the bar through the mean; NaN or 0 for none
     */
    public record Cell(int category, int series, List<Double> values, double mean, double spread) {
        public Cell {
            values = List.copyOf(values);
        }
    }

    /** One quantity. */
    public record Panel(String title, List<Cell> cells) {
        public Panel {
            cells = List.copyOf(cells);
        }
    }

    /** CSS class of a single value's circle. */
    public static final String VALUE_CLASS = "value";
    /** CSS class of a mean's dot. */
    public static final String MEAN_CLASS = "mean";

    private static final int MIN_PANEL_W = 260;
    private static final int PANEL_H = 240;
    private static final int MAX_PER_ROW = 3;

    private SvgDotPlot() {}

    /**
     * @param legendNote a remark after the series in the legend (what the dots and bars are); null for none
     * @param xLabel under each panel's categories
     */
    public static String render(
            String title,
            String subtitle,
            String legendNote,
            String xLabel,
            List<String> categories,
            List<Series> series,
            List<Panel> panels) {
        int slotMin = Math.max(36, 14 * series.size() + 12);
        int panelW = Math.max(MIN_PANEL_W, 66 + categories.size() * slotMin);
        Legend legend = legend(series, legendNote);
        SmallMultiples page = SmallMultiples.of(panels.size(), panelW, PANEL_H, MAX_PER_ROW, legend, 16);
        StringBuilder s = page.open(title, subtitle, legend);
        for (int i = 0; i < panels.size(); i++) {
            panel(s, page.x(i), page.y(i), panelW, xLabel, categories, series, panels.get(i));
        }
        return s.append("</svg>\n").toString();
    }

    private static Legend legend(List<Series> series, String note) {
        List<Legend.Item> items = new ArrayList<>();
        for (Series se : series) {
            items.add(Legend.dot(se.color(), se.name()));
        }
        if (note != null) {
            items.add(Legend.note(note));
        }
        return new Legend(items);
    }

    private static void panel(
            StringBuilder s,
            double px,
            double py,
            int panelW,
            String xLabel,
            List<String> categories,
            List<Series> series,
            Panel p) {
        double left = px + 52;
        double right = px + panelW - 14;
        double plotTop = py + 34;
        double plotBottom = py + PANEL_H - 58;
        Svg.text(s, (left + right) / 2, py + 14, "middle", 13, Svg.TEXT, "600", Svg.fit(p.title(), right - left + 40));
        double slot = (right - left) / Math.max(1, categories.size());
        for (int c = 0; c < categories.size(); c++) {
            Svg.text(
                    s,
                    left + slot * (c + 0.5),
                    plotBottom + 16,
                    "middle",
                    10,
                    Svg.MUTED,
                    null,
                    Svg.fit(categories.get(c), slot));
        }
        Svg.text(
                s,
                (left + right) / 2,
                plotBottom + 34,
                "middle",
                11,
                Svg.TEXT,
                null,
                Svg.fit(xLabel, right - left + 40));
        double[] range = range(p.cells());
        if (range == null) {
            Svg.line(s, left, plotBottom, right, plotBottom, Svg.AXIS, 1);
            Svg.text(s, (left + right) / 2, (plotTop + plotBottom) / 2, "middle", 12, Svg.MUTED, null, "no data");
            return;
        }
        List<Double> ticks = Svg.ticks(range[0], range[1], 4);
        double step = ticks.size() > 1 ? ticks.get(1) - ticks.get(0) : Math.abs(range[1] - range[0]);
        Scale y = new Scale(
                Math.min(ticks.get(0), range[0]), Math.max(ticks.get(ticks.size() - 1), range[1]), plotBottom, plotTop);
        Svg.yGrid(s, ticks, step, y, left, right);
        Columns x = new Columns(left, slot, series.size());
        for (int se = 0; se < series.size(); se++) {
            joinMeans(s, p, se, series.get(se).color(), x, y);
        }
        for (Cell cell : p.cells()) {
            cell(
                    s,
                    cell,
                    x.at(cell.category(), cell.series()),
                    x.sub() * 0.6,
                    series.get(cell.series()).color(),
                    y);
        }
    }

    /**
     * Where a cell stands: the categories' slots side by side from {@code left}, the series side by
     * side in a band at the middle of a slot, {@code sub} pixels each.
     */
    private record Columns(double left, double slot, double band, double sub) {
        Columns(double left, double slot, int series) {
            this(
                    left,
                    slot,
                    Math.min(slot * 0.8, series * 18.0),
                    Math.min(slot * 0.8, series * 18.0) / Math.max(1, series));
        }

        double at(int category, int series) {
            return left + slot * (category + 0.5) - band / 2 + sub * (series + 0.5);
        }
    }

    /** [low, high] of everything a panel draws, padded; null when it has nothing to draw. */
    private static double[] range(List<Cell> cells) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Cell c : cells) {
            for (double v : c.values()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            if (Double.isFinite(c.mean())) {
                double spread = Double.isFinite(c.spread()) ? c.spread() : 0;
                lo = Math.min(lo, c.mean() - spread);
                hi = Math.max(hi, c.mean() + spread);
            }
        }
        if (lo > hi) {
            return null;
        }
        double pad = hi > lo ? (hi - lo) * 0.08 : Math.abs(hi) * 0.1 + 0.1;
        return new double[] {lo - pad, hi + pad};
    }

    private static void joinMeans(StringBuilder s, Panel p, int series, String color, Columns x, Scale y) {
        List<Cell> cells = p.cells().stream()
                .filter(c -> c.series() == series && Double.isFinite(c.mean()))
                .sorted(Comparator.comparingInt(Cell::category))
                .toList();
        List<String> run = new ArrayList<>();
        int previous = Integer.MIN_VALUE;
        for (Cell c : cells) {
            if (c.category() != previous + 1) {
                polyline(s, run, color);
                run.clear();
            }
            run.add(Svg.f(x.at(c.category(), series)) + "," + Svg.f(y.at(c.mean())));
            previous = c.category();
        }
        polyline(s, run, color);
    }

    private static void polyline(StringBuilder s, List<String> points, String color) {
        if (points.size() < 2) {
            return;
        }
        s.append("<polyline fill=\"none\" stroke=\"")
                .append(color)
                .append("\" stroke-width=\"1.20\" stroke-opacity=\"0.55\" points=\"")
                .append(String.join(" ", points))
                .append("\"/>\n");
    }

    private static void cell(StringBuilder s, Cell cell, double cx, double width, String color, Scale y) {
        List<Double> values = cell.values().stream().filter(Double::isFinite).toList();
        for (int i = 0; i < values.size(); i++) {
            double x = values.size() == 1 ? cx : cx - width / 2 + width * i / (values.size() - 1);
            Svg.circle(s, x, y.at(values.get(i)), 2.6, "#ffffff", color, VALUE_CLASS);
        }
        if (!Double.isFinite(cell.mean())) {
            return;
        }
        if (Double.isFinite(cell.spread()) && cell.spread() > 0) {
            Svg.errorBar(s, cx, y.at(cell.mean() + cell.spread()), y.at(cell.mean() - cell.spread()), color);
        }
        Svg.circle(s, cx, y.at(cell.mean()), 4.2, color, null, MEAN_CLASS);
    }
}

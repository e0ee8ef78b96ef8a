package org.lorapipe.charts;

import java.util.ArrayList;
import java.util.List;

/**
 * A line chart with axes, ticks, gridlines, axis labels and a legend, e.g. the training loss over
 * steps. Series are drawn in order (put a faint raw series before its smoothed version). The legend
 * names each named series, right-aligned above the plot, in as many rows as it needs.
 */
public final class SvgLineChart {

    /**
     * One line.
     *
     * @param name its legend entry; null for none (one entry may stand for several lines of a colour)
     * @param color CSS colour
     * @param width stroke width
     * @param opacity stroke opacity
     * @param markers draw a dot at each point
     */
    public record Series(
            String name, List<double[]> points, String color, double width, double opacity, boolean markers) {}

    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;

    private SvgLineChart() {}

    public static String render(String title, String subtitle, String xLabel, String yLabel, List<Series> series) {
        double left = 78;
        double right = WIDTH - 28;
        Legend legend = legend(series);
        double legendRows = legend.extraHeight(right - left);
        int height = (int) Math.ceil(HEIGHT + legendRows);
        double top = 84 + legendRows;
        double bottom = height - 64;
        StringBuilder s = Svg.open(WIDTH, height);
        Svg.text(s, 24, 34, "start", 19, Svg.TEXT, "600", title);
        Svg.text(s, 24, 56, "start", 12, Svg.MUTED, null, subtitle);
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series se : series) {
            for (double[] p : se.points()) {
                if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                    xMin = Math.min(xMin, p[0]);
                    xMax = Math.max(xMax, p[0]);
                    yMin = Math.min(yMin, p[1]);
                    yMax = Math.max(yMax, p[1]);
                }
            }
        }
        if (xMin > xMax) {
            Svg.text(s, WIDTH / 2.0, height / 2.0, "middle", 14, Svg.MUTED, null, "no data");
            return s.append("</svg>\n").toString();
        }
        if (xMin == xMax) {
            xMin -= 1;
            xMax += 1;
        }
        if (yMin == yMax) {
            yMin -= Math.abs(yMin) * 0.1 + 0.1;
            yMax += Math.abs(yMax) * 0.1 + 0.1;
        }
        double pad = (yMax - yMin) * 0.05;
        List<Double> yTicks = Svg.ticks(yMin - pad, yMax + pad, 5);
        List<Double> xTicks = Svg.ticks(xMin, xMax, 6);
        double y0 = Math.min(yTicks.get(0), yMin);
        double y1 = Math.max(yTicks.get(yTicks.size() - 1), yMax);
        double x0 = xMin;
        double x1 = xMax;
        double yStep = yTicks.size() > 1 ? yTicks.get(1) - yTicks.get(0) : 1;
        double xStep = xTicks.size() > 1 ? xTicks.get(1) - xTicks.get(0) : 1;
        Scale sx = new Scale(x0, x1, left, right);
        Scale sy = new Scale(y0, y1, bottom, top);
        for (double t : yTicks) {
            if (t < y0 - 1e-12 || t > y1 + 1e-12) {
                continue;
            }
            Svg.line(s, left, sy.at(t), right, sy.at(t), Svg.GRID, 1);
            Svg.text(s, left - 8, sy.at(t) + 4, "end", 11, Svg.MUTED, null, Svg.tick(t, yStep));
        }
        for (double t : xTicks) {
            if (t < x0 - 1e-12 || t > x1 + 1e-12) {
                continue;
            }
            Svg.line(s, sx.at(t), bottom, sx.at(t), bottom + 5, Svg.AXIS, 1);
            Svg.text(s, sx.at(t), bottom + 19, "middle", 11, Svg.MUTED, null, Svg.tick(t, xStep));
        }
        Svg.line(s, left, bottom, right, bottom, Svg.AXIS, 1);
        Svg.line(s, left, top, left, bottom, Svg.AXIS, 1);
        Svg.text(s, (left + right) / 2, height - 18, "middle", 12, Svg.TEXT, null, xLabel);
        s.append("<text transform=\"translate(22 ")
                .append(Svg.f((top + bottom) / 2))
                .append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" fill=\"")
                .append(Svg.TEXT)
                .append("\">")
                .append(Svg.esc(yLabel))
                .append("</text>\n");
        for (Series se : series) {
            path(s, se, sx, sy);
        }
        legend.drawRight(s, right, 72, right - left);
        return s.append("</svg>\n").toString();
    }

    private static Legend legend(List<Series> series) {
        List<Legend.Item> items = new ArrayList<>();
        for (Series se : series) {
            if (se.name() != null) {
                items.add(Legend.stroke(se.color(), se.width(), se.opacity(), se.name()));
            }
        }
        return new Legend(items);
    }

    private static void path(StringBuilder s, Series se, Scale sx, Scale sy) {
        List<String> pts = new ArrayList<>();
        for (double[] p : se.points()) {
            if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                pts.add(Svg.f(sx.at(p[0])) + "," + Svg.f(sy.at(p[1])));
            }
        }
        if (pts.isEmpty()) {
            return;
        }
        s.append("<polyline fill=\"none\" stroke=\"")
                .append(se.color())
                .append("\" stroke-width=\"")
                .append(Svg.f(se.width()))
                .append("\" stroke-opacity=\"")
                .append(Svg.f(se.opacity()))
                .append("\" stroke-linejoin=\"round\" stroke-linecap=\"round\" points=\"")
                .append(String.join(" ", pts))
                .append("\"/>\n");
        if (se.markers()) {
            for (String p : pts) {
                String[] xy = p.split(",");
                s.append("<circle cx=\"")
                        .append(xy[0])
                        .append("\" cy=\"")
                        .append(xy[1])
                        .append("\" r=\"2.6\" fill=\"")
                        .append(se.color())
                        .append("\"/>\n");
            }
        }
    }
}

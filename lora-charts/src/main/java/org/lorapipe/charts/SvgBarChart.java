package org.lorapipe.charts;

import java.util.List;

/**
 * Base versus tuned as small multiples: one panel per metric, each with its own y scale from 0, two
 * bars with ±1 standard error whiskers, their values, and the difference underneath, marked when it
 * exceeds two standard errors. Written by hand, no dependencies; renders in browsers and rsvg.
 */
public final class SvgBarChart {

    /**
     * One metric.
     *
     * @param title e.g. "arc · acc"
     * @param higherIsBetter for the colour of the difference
     * @param diffStderr standard error of the difference (NaN if unknown)
     */
    public record Panel(
            String title,
            double base,
            double baseStderr,
            double tuned,
            double tunedStderr,
            double diffStderr,
            boolean significant,
            boolean higherIsBetter) {}

    private static final int PANEL_W = 190;
    private static final int PANEL_H = 250;
    private static final int PER_ROW = 4;

    private SvgBarChart() {}

    public static String render(String title, String subtitle, List<Panel> panels) {
        int cols = Math.max(1, Math.min(PER_ROW, panels.size()));
        int rows = Math.max(1, (panels.size() + PER_ROW - 1) / PER_ROW);
        int top = 92;
        int width = Math.max(560, 40 + cols * PANEL_W);
        int height = top + rows * PANEL_H + 24;
        StringBuilder s = Svg.open(width, height);
        Svg.text(s, 24, 34, "start", 19, Svg.TEXT, "600", title);
        Svg.text(s, 24, 56, "start", 12, Svg.MUTED, null, subtitle);
        legend(s, 24, 76);
        double x0 = (width - cols * PANEL_W) / 2.0;
        for (int i = 0; i < panels.size(); i++) {
            panel(s, x0 + (i % PER_ROW) * PANEL_W, top + (double) (i / PER_ROW) * PANEL_H, panels.get(i));
        }
        return s.append("</svg>\n").toString();
    }

    private static void legend(StringBuilder s, double x, double y) {
        swatch(s, x, y, Svg.BASE);
        Svg.text(s, x + 18, y + 1, "start", 12, Svg.TEXT, null, "base");
        swatch(s, x + 70, y, Svg.TUNED);
        Svg.text(s, x + 88, y + 1, "start", 12, Svg.TEXT, null, "base + adapter");
        Svg.text(s, x + 196, y + 1, "start", 12, Svg.MUTED, null, "whiskers: ±1 standard error");
    }

    private static void swatch(StringBuilder s, double x, double y, String color) {
        s.append("<rect x=\"")
                .append(Svg.f(x))
                .append("\" y=\"")
                .append(Svg.f(y - 10))
                .append("\" width=\"12\" height=\"12\" rx=\"2\" fill=\"")
                .append(color)
                .append("\"/>\n");
    }

    private static void panel(StringBuilder s, double px, double py, Panel p) {
        double left = px + 44;
        double right = px + PANEL_W - 12;
        double plotTop = py + 42;
        double plotBottom = py + PANEL_H - 62;
        Svg.text(s, (left + right) / 2, py + 14, "middle", 13, Svg.TEXT, "600", p.title());
        double hi = Math.max(top(p.base(), p.baseStderr()), top(p.tuned(), p.tunedStderr()));
        double max = Svg.niceCeil(hi > 0 ? hi * 1.08 : 1, 4);
        if (Math.max(p.base(), p.tuned()) <= 1 && max > 1) {
            max = 1; // a proportion: never an axis beyond 100%
        }
        List<Double> ticks = Svg.ticks(0, max, 4);
        double step = ticks.size() > 1 ? ticks.get(1) - ticks.get(0) : max;
        for (double t : ticks) {
            double y = y(t, max, plotTop, plotBottom);
            Svg.line(s, left, y, right, y, t == 0 ? Svg.AXIS : Svg.GRID, 1);
            Svg.text(s, left - 6, y + 4, "end", 10, Svg.MUTED, null, Svg.tick(t, step));
        }
        double slot = (right - left) / 2;
        double barW = Math.min(44, slot * 0.56);
        bar(s, left + slot * 0.5, barW, p.base(), p.baseStderr(), max, plotTop, plotBottom, Svg.BASE);
        bar(s, left + slot * 1.5, barW, p.tuned(), p.tunedStderr(), max, plotTop, plotBottom, Svg.TUNED);
        Svg.text(s, left + slot * 0.5, plotBottom + 16, "middle", 11, Svg.MUTED, null, "base");
        Svg.text(s, left + slot * 1.5, plotBottom + 16, "middle", 11, Svg.MUTED, null, "tuned");
        double diff = p.tuned() - p.base();
        boolean better = p.higherIsBetter() ? diff > 0 : diff < 0;
        String color = !p.significant() ? Svg.MUTED : better ? Svg.GOOD : Svg.BAD;
        String delta = "Δ " + (diff >= 0 ? "+" : "−") + Svg.label(Math.abs(diff));
        if (!Double.isNaN(p.diffStderr())) {
            delta += "  (±" + Svg.label(2 * p.diffStderr()) + ")";
        }
        Svg.text(s, (left + right) / 2, plotBottom + 38, "middle", 12, color, "600", delta);
        Svg.text(
                s,
                (left + right) / 2,
                plotBottom + 54,
                "middle",
                10,
                color,
                null,
                p.significant() ? (better ? "better, beyond 2 SE" : "worse, beyond 2 SE") : "within 2 SE");
    }

    private static double top(double v, double se) {
        return v + (Double.isNaN(se) ? 0 : se);
    }

    private static double y(double v, double max, double top, double bottom) {
        return bottom - (v / max) * (bottom - top);
    }

    private static void bar(
            StringBuilder s,
            double cx,
            double w,
            double v,
            double se,
            double max,
            double top,
            double bottom,
            String color) {
        if (Double.isNaN(v)) {
            Svg.text(s, cx, bottom - 6, "middle", 11, Svg.MUTED, null, "n/a");
            return;
        }
        double y = y(Math.max(0, v), max, top, bottom);
        s.append("<rect x=\"")
                .append(Svg.f(cx - w / 2))
                .append("\" y=\"")
                .append(Svg.f(y))
                .append("\" width=\"")
                .append(Svg.f(w))
                .append("\" height=\"")
                .append(Svg.f(bottom - y))
                .append("\" rx=\"2\" fill=\"")
                .append(color)
                .append("\"/>\n");
        double labelY = y - 6;
        if (!Double.isNaN(se) && se > 0) {
            double yHi = y(Math.min(max, v + se), max, top, bottom);
            double yLo = y(Math.max(0, v - se), max, top, bottom);
            Svg.line(s, cx, yHi, cx, yLo, Svg.TEXT, 1.2);
            Svg.line(s, cx - 6, yHi, cx + 6, yHi, Svg.TEXT, 1.2);
            Svg.line(s, cx - 6, yLo, cx + 6, yLo, Svg.TEXT, 1.2);
            labelY = yHi - 6;
        }
        Svg.text(s, cx, labelY, "middle", 11, Svg.TEXT, null, Svg.label(v));
    }
}

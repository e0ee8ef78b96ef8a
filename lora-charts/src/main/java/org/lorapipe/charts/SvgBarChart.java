package org.lorapipe.charts;

import java.util.List;

/**
 * Bars as small multiples: one panel per quantity, each with its own y scale from 0. A panel has groups
 * along x (a label under each), each group one or more bars side by side; a bar may carry an error
 * whisker, and shows its value above. Lines of text may follow under a panel (a difference, a verdict).
 * Written by hand, no dependencies; renders in browsers and rsvg.
 */
public final class SvgBarChart {

    /**
     * One bar.
     *
     * @param value NaN when unknown: the bar's place says "n/a"
     * @param error half the whisker's length (a standard error or deviation); NaN or 0 for none
     */
    public record Bar(double value, double error, String color) {}

    /** Bars side by side over one label. */
    public record Group(String label, List<Bar> bars) {
        public Group {
            bars = List.copyOf(bars);
        }
    }

    /** A line of text under a panel. */
    public record Note(String text, int size, String color, String weight) {}

    /**
     * One quantity.
     *
     * @param ceiling the y axis never goes above it (1 for a proportion); NaN for no ceiling
     */
    public record Panel(String title, List<Group> groups, double ceiling, List<Note> notes) {
        public Panel {
            groups = List.copyOf(groups);
            notes = List.copyOf(notes);
        }
    }

    private static final int MIN_PANEL_W = 190;
    /** From a panel's top to its plot's bottom; the group labels and the notes follow. */
    private static final int PLOT_BOTTOM = 188;

    private static final int BELOW_PLOT = 30;
    private static final int NOTE_LINE = 16;
    private static final int MAX_PER_ROW = 4;

    private SvgBarChart() {}

    public static String render(String title, String subtitle, Legend legend, List<Panel> panels) {
        int panelW = MIN_PANEL_W;
        int notes = 0;
        for (Panel p : panels) {
            panelW = Math.max(panelW, 56 + p.groups().size() * slot(bars(p)));
            notes = Math.max(notes, p.notes().size());
        }
        int panelH = PLOT_BOTTOM + BELOW_PLOT + notes * NOTE_LINE;
        SmallMultiples page = SmallMultiples.of(panels.size(), panelW, panelH, MAX_PER_ROW, legend, 24);
        StringBuilder s = page.open(title, subtitle, legend);
        for (int i = 0; i < panels.size(); i++) {
            panel(s, page.x(i), page.y(i), panelW, panels.get(i));
        }
        return s.append("</svg>\n").toString();
    }

    /** The most bars any group of the panel has. */
    private static int bars(Panel p) {
        return p.groups().stream().mapToInt(g -> g.bars().size()).max().orElse(1);
    }

    /** The narrowest a group of {@code bars} bars may be, its value labels still apart. */
    private static int slot(int bars) {
        return bars <= 1 ? 40 : 40 * bars + 12;
    }

    private static void panel(StringBuilder s, double px, double py, int panelW, Panel p) {
        double left = px + 44;
        double right = px + panelW - 12;
        double plotTop = py + 42;
        double plotBottom = py + PLOT_BOTTOM;
        Svg.text(s, (left + right) / 2, py + 14, "middle", 13, Svg.TEXT, "600", p.title());
        double hi = Double.NEGATIVE_INFINITY;
        for (Group g : p.groups()) {
            for (Bar b : g.bars()) {
                if (!Double.isNaN(b.value())) {
                    hi = Math.max(hi, top(b.value(), b.error()));
                }
            }
        }
        double max = Svg.niceCeil(hi > 0 ? hi * 1.08 : 1, 4);
        if (max > p.ceiling()) {
            max = p.ceiling();
        }
        List<Double> ticks = Svg.ticks(0, max, 4);
        double step = ticks.size() > 1 ? ticks.get(1) - ticks.get(0) : max;
        Scale y = new Scale(0, max, plotBottom, plotTop);
        Svg.yGrid(s, ticks, step, y, left, right);
        int groups = Math.max(1, p.groups().size());
        double slot = (right - left) / groups;
        int most = bars(p);
        double barW = Math.min(44, slot * (most <= 1 ? 0.56 : 0.84) / most);
        double gap = most <= 1 ? 0 : 2;
        for (int g = 0; g < p.groups().size(); g++) {
            Group group = p.groups().get(g);
            double center = left + slot * (g + 0.5);
            for (int b = 0; b < group.bars().size(); b++) {
                double cx = center + (b - (group.bars().size() - 1) / 2.0) * (barW + gap);
                bar(s, cx, barW, group.bars().get(b), max, y);
            }
        }
        for (int g = 0; g < p.groups().size(); g++) {
            Svg.text(
                    s,
                    left + slot * (g + 0.5),
                    plotBottom + 16,
                    "middle",
                    11,
                    Svg.MUTED,
                    null,
                    p.groups().get(g).label());
        }
        for (int i = 0; i < p.notes().size(); i++) {
            Note n = p.notes().get(i);
            Svg.text(
                    s,
                    (left + right) / 2,
                    plotBottom + 38 + i * NOTE_LINE,
                    "middle",
                    n.size(),
                    n.color(),
                    n.weight(),
                    n.text());
        }
    }

    private static double top(double v, double error) {
        return v + (Double.isNaN(error) ? 0 : error);
    }

    private static void bar(StringBuilder s, double cx, double w, Bar b, double max, Scale y) {
        double v = b.value();
        double bottom = y.pxFrom();
        if (Double.isNaN(v)) {
            Svg.text(s, cx, bottom - 6, "middle", 11, Svg.MUTED, null, "n/a");
            return;
        }
        double at = y.at(Math.max(0, v));
        s.append("<rect x=\"")
                .append(Svg.f(cx - w / 2))
                .append("\" y=\"")
                .append(Svg.f(at))
                .append("\" width=\"")
                .append(Svg.f(w))
                .append("\" height=\"")
                .append(Svg.f(bottom - at))
                .append("\" rx=\"2\" fill=\"")
                .append(b.color())
                .append("\"/>\n");
        double labelY = at - 6;
        double error = b.error();
        if (!Double.isNaN(error) && error > 0) {
            double yHi = y.at(Math.min(max, v + error));
            double yLo = y.at(Math.max(0, v - error));
            Svg.errorBar(s, cx, yHi, yLo, Svg.TEXT);
            labelY = yHi - 6;
        }
        Svg.text(s, cx, labelY, "middle", 11, Svg.TEXT, null, Svg.label(v));
    }
}

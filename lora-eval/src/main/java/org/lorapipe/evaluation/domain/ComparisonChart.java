package org.lorapipe.evaluation.domain;

import java.util.ArrayList;
import java.util.List;
import org.lorapipe.charts.Legend;
import org.lorapipe.charts.Svg;
import org.lorapipe.charts.SvgBarChart;

/**
 * Base versus tuned as small multiples: one panel per compared metric, each with its own y scale from
 * 0, two bars with ±1 standard error whiskers, their values, and the difference underneath, marked when
 * it exceeds two standard errors.
 */
final class ComparisonChart {

    private ComparisonChart() {}

    static String render(EvaluationReport report) {
        List<SvgBarChart.Panel> panels = new ArrayList<>();
        for (TaskReport t : report.tasks()) {
            for (Comparison c : t.comparisons()) {
                panels.add(panel(t, c));
            }
        }
        String title = "Base vs. base + adapter" + (report.title() == null ? "" : " — " + report.title());
        Legend legend = new Legend(List.of(
                Legend.swatch(Svg.BASE, "base", 70),
                Legend.swatch(Svg.TUNED, "base + adapter", 126),
                Legend.note("whiskers: ±1 standard error")));
        return SvgBarChart.render(
                title, "Δ = tuned − base; ± = 2 standard errors of the paired difference", legend, panels);
    }

    private static SvgBarChart.Panel panel(TaskReport t, Comparison c) {
        String title = t.key().equals(c.metric()) ? c.metric() : t.key() + " · " + c.metric();
        double baseStderr = t.base().getOrDefault(c.metric() + "_stderr", Double.NaN);
        double tunedStderr = t.tuned().getOrDefault(c.metric() + "_stderr", Double.NaN);
        List<SvgBarChart.Group> groups = List.of(
                new SvgBarChart.Group("base", List.of(new SvgBarChart.Bar(c.base(), baseStderr, Svg.BASE))),
                new SvgBarChart.Group("tuned", List.of(new SvgBarChart.Bar(c.tuned(), tunedStderr, Svg.TUNED))));
        // a proportion: never an axis beyond 100%
        double ceiling = Math.max(c.base(), c.tuned()) <= 1 ? 1 : Double.NaN;
        double diff = c.tuned() - c.base();
        boolean better = c.higherIsBetter() ? diff > 0 : diff < 0;
        String color = !c.significant() ? Svg.MUTED : better ? Svg.GOOD : Svg.BAD;
        String delta = "Δ " + (diff >= 0 ? "+" : "−") + Svg.label(Math.abs(diff));
        if (!Double.isNaN(c.stderr())) {
            delta += "  (±" + Svg.label(2 * c.stderr()) + ")";
        }
        String verdict = c.significant() ? (better ? "better, beyond 2 SE" : "worse, beyond 2 SE") : "within 2 SE";
        return new SvgBarChart.Panel(
                title,
                groups,
                ceiling,
                List.of(new SvgBarChart.Note(delta, 12, color, "600"), new SvgBarChart.Note(verdict, 10, color, null)));
    }
}

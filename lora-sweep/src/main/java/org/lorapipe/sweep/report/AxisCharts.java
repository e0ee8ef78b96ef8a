package org.lorapipe.sweep.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.charts.Svg;
import org.lorapipe.charts.SvgDotPlot;

/**
 * Every quality figure against every dimension of the sweep ({@link Dimensions}): one SVG per varying
 * dimension, one panel per figure, x the dimension's values in plan order, a point per trained seed and
 * the setting's mean ± 1 sd. Settings that differ in other dimensions are separate series (one per
 * combination of their values); where that would put two settings in one place, one series per setting.
 * A sweep that varies nothing gets one chart by setting.
 */
final class AxisCharts {

    /** A file name holds the dimension's first request path up to this length, else its number. */
    private static final int MAX_NAME_PATH = 100;

    private AxisCharts() {}

    static List<Chart> render(SweepReport report, List<Dimensions> dimensions) {
        List<Figure> figures = Figure.of(report);
        if (report.runsTrained() == 0 || figures.isEmpty()) {
            return List.of();
        }
        List<Dimensions> varying =
                dimensions.stream().filter(Dimensions::varies).toList();
        List<Chart> charts = new ArrayList<>();
        if (varying.isEmpty()) {
            charts.add(bySetting(report, figures));
        }
        for (int k = 0; k < varying.size(); k++) {
            Dimensions d = varying.get(k);
            List<Dimensions> others = new ArrayList<>(varying);
            others.remove(d);
            String path = d.axes().get(0);
            String file = "metrics-by-" + (path.length() <= MAX_NAME_PATH ? path : "axis-" + (k + 1)) + ".svg";
            String axes = String.join(", ", d.axes());
            charts.add(new Chart(
                    file,
                    "Metrics by " + axes,
                    chart(
                            report,
                            figures,
                            "Metrics by " + axes,
                            axes,
                            d.labels(),
                            d.valueOf(),
                            series(report, others, d))));
        }
        return charts;
    }

    private static Chart bySetting(SweepReport report, List<Figure> figures) {
        List<String> categories = new ArrayList<>();
        List<Integer> categoryOf = new ArrayList<>();
        List<Integer> seriesOf = new ArrayList<>();
        for (int i = 0; i < report.settings().size(); i++) {
            categories.add("#" + report.settings().get(i).index());
            categoryOf.add(i);
            seriesOf.add(0);
        }
        Series single = new Series(List.of(new SvgDotPlot.Series("all settings", Svg.palette(0))), seriesOf);
        String title = "Metrics by setting";
        return new Chart(
                "metrics-by-setting.svg",
                title,
                chart(report, figures, title, "setting", categories, categoryOf, single));
    }

    /** The series of a chart and the series of each setting. */
    private record Series(List<SvgDotPlot.Series> series, List<Integer> seriesOf) {}

    private static Series series(SweepReport report, List<Dimensions> others, Dimensions along) {
        Map<List<Integer>, Integer> index = new LinkedHashMap<>();
        List<SvgDotPlot.Series> series = new ArrayList<>();
        List<Integer> seriesOf = new ArrayList<>();
        List<List<Integer>> places = new ArrayList<>();
        boolean collides = false;
        for (int i = 0; i < report.settings().size(); i++) {
            List<Integer> key = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Dimensions o : others) {
                key.add(o.valueOf().get(i));
                names.add(o.describe(i));
            }
            int s = index.computeIfAbsent(key, k -> {
                series.add(new SvgDotPlot.Series(
                        names.isEmpty() ? "all settings" : String.join("; ", names), Svg.palette(series.size())));
                return series.size() - 1;
            });
            seriesOf.add(s);
            List<Integer> place = List.of(s, along.valueOf().get(i));
            collides |= places.contains(place);
            places.add(place);
        }
        if (!collides) {
            return new Series(series, seriesOf);
        }
        // two settings at one value of every dimension (a setting that sets a path to its base value
        // beside one that leaves it): one series per setting keeps them apart
        List<SvgDotPlot.Series> perSetting = new ArrayList<>();
        List<Integer> own = new ArrayList<>();
        for (int i = 0; i < report.settings().size(); i++) {
            SettingReport s = report.settings().get(i);
            perSetting.add(new SvgDotPlot.Series("#" + s.index() + " " + Svg.fit(s.label(), 300), Svg.palette(i)));
            own.add(i);
        }
        return new Series(perSetting, own);
    }

    private static String chart(
            SweepReport report,
            List<Figure> figures,
            String title,
            String xLabel,
            List<String> categories,
            List<Integer> categoryOf,
            Series series) {
        List<SvgDotPlot.Panel> panels = new ArrayList<>();
        for (Figure f : figures) {
            List<SvgDotPlot.Cell> cells = new ArrayList<>();
            for (int i = 0; i < report.settings().size(); i++) {
                SettingReport s = report.settings().get(i);
                List<Double> values = new ArrayList<>();
                for (RunReport r : report.runs()) {
                    if (r.setting() == s.index() && r.trained() && f.value().apply(r) != null) {
                        values.add(f.value().apply(r));
                    }
                }
                Summary summary = f.summary().apply(s);
                if (!values.isEmpty() || summary.known()) {
                    cells.add(new SvgDotPlot.Cell(
                            categoryOf.get(i),
                            series.seriesOf().get(i),
                            values,
                            summary.meanOrNaN(),
                            summary.sdOrNaN()));
                }
            }
            panels.add(new SvgDotPlot.Panel(f.heading(), cells));
        }
        String subtitle =
                report.settings().size() + " settings × " + report.seeds().size() + " seeds; " + report.runsTrained()
                        + " of " + report.runsTotal() + " runs trained; failed and queued runs are not drawn";
        return SvgDotPlot.render(
                Headings.chart(title, report.title()),
                subtitle,
                "○ a trained seed   ● mean ± 1 sd over seeds",
                xLabel,
                categories,
                series.series(),
                panels);
    }
}

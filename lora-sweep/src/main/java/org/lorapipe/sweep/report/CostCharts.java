package org.lorapipe.sweep.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.lorapipe.charts.Legend;
import org.lorapipe.charts.Svg;
import org.lorapipe.charts.SvgBarChart;

/**
 * What each setting costs, as bars per setting (numbered as in report.md) with ±1 sd whiskers over its
 * trained seeds: peak memory, measured and (when known) predicted, and time, wall time and tokens/s.
 */
final class CostCharts {

    static final String MEMORY = "memory.svg";
    static final String TIME = "time.svg";

    private static final double MIB = 1024.0 * 1024.0;
    private static final String PREDICTED = "#ea580c";

    private CostCharts() {}

    static List<Chart> render(SweepReport report) {
        List<Chart> charts = new ArrayList<>();
        boolean measured = any(report, t -> t.peakRssBytes());
        boolean predicted = any(report, t -> t.predictedPeakBytes());
        if (measured || predicted) {
            charts.add(memory(report, predicted));
        }
        if (report.runsTrained() > 0) {
            charts.add(time(report));
        }
        return charts;
    }

    private static Chart memory(SweepReport report, boolean predicted) {
        List<SvgBarChart.Group> groups = new ArrayList<>();
        for (SettingReport s : report.settings()) {
            List<SvgBarChart.Bar> bars = new ArrayList<>();
            bars.add(bar(s.training().peakRssBytes(), MIB, Svg.TUNED));
            if (predicted) {
                Summary p = s.training().predictedPeakBytes();
                bars.add(new SvgBarChart.Bar(p.meanOrNaN() / MIB, Double.NaN, PREDICTED));
            }
            groups.add(new SvgBarChart.Group("#" + s.index(), bars));
        }
        List<Legend.Item> legend = new ArrayList<>();
        legend.add(Legend.swatch(Svg.TUNED, "measured"));
        if (predicted) {
            legend.add(Legend.swatch(PREDICTED, "predicted before training"));
        }
        legend.add(Legend.note("whiskers: ±1 sd over seeds"));
        String svg = SvgBarChart.render(
                Headings.chart("Peak memory", report.title()),
                "each setting's trained runs; settings numbered as in report.md",
                new Legend(legend),
                List.of(new SvgBarChart.Panel("peak memory (MiB)", groups, Double.NaN, List.of())));
        return new Chart(MEMORY, "Peak memory", svg);
    }

    private static Chart time(SweepReport report) {
        List<SvgBarChart.Group> wall = new ArrayList<>();
        List<SvgBarChart.Group> throughput = new ArrayList<>();
        for (SettingReport s : report.settings()) {
            wall.add(new SvgBarChart.Group(
                    "#" + s.index(), List.of(bar(s.training().durationMs(), 1000, Svg.TUNED))));
            throughput.add(new SvgBarChart.Group(
                    "#" + s.index(), List.of(bar(s.training().tokensPerSecond(), 1, Svg.TUNED))));
        }
        String svg = SvgBarChart.render(
                Headings.chart("Training time", report.title()),
                "each setting's trained runs; settings numbered as in report.md",
                new Legend(List.of(Legend.note("whiskers: ±1 sd over seeds"))),
                List.of(
                        new SvgBarChart.Panel("wall time (s)", wall, Double.NaN, List.of()),
                        new SvgBarChart.Panel("tokens/s", throughput, Double.NaN, List.of())));
        return new Chart(TIME, "Training time", svg);
    }

    private static SvgBarChart.Bar bar(Summary s, double unit, String color) {
        return new SvgBarChart.Bar(s.meanOrNaN() / unit, s.sdOrNaN() / unit, color);
    }

    private static boolean any(SweepReport report, Function<TrainingSummary, Summary> figure) {
        return report.settings().stream()
                .anyMatch(s -> figure.apply(s.training()).known());
    }
}

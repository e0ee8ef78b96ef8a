package org.lorapipe.sweep.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.charts.Svg;
import org.lorapipe.charts.SvgLineChart;
import org.lorapipe.contract.artifact.LossPoint;

/**
 * The training loss curves of every trained run overlaid: one colour per setting, each seed a thin line
 * of its setting's colour, one legend entry per setting. A curve of more than {@value #MAX_POINTS} steps
 * is drawn as the means of {@value #MAX_POINTS} runs of consecutive steps, which keeps the file small and
 * smooths step noise.
 */
final class LossCurves {

    static final String FILE = "loss.svg";
    static final int MAX_POINTS = 200;
    /** Beyond this many settings the legend names them by number alone (report.md has the labels). */
    private static final int MAX_LABELLED = 12;

    private LossCurves() {}

    /** Empty when no trained run has a curve. */
    static List<Chart> render(SweepReport report, Map<Integer, RunResult> results) {
        Map<SettingReport, List<List<LossPoint>>> curves = new LinkedHashMap<>();
        for (SettingReport s : report.settings()) {
            for (RunReport r : report.runs()) {
                RunResult result = results.get(r.n());
                if (r.setting() == s.index() && r.trained() && result != null && result.training() != null) {
                    List<LossPoint> losses = result.training().losses();
                    if (!losses.isEmpty()) {
                        curves.computeIfAbsent(s, k -> new ArrayList<>()).add(losses);
                    }
                }
            }
        }
        if (curves.isEmpty()) {
            return List.of();
        }
        boolean labelled = curves.size() <= MAX_LABELLED;
        List<SvgLineChart.Series> series = new ArrayList<>();
        boolean averaged = false;
        for (Map.Entry<SettingReport, List<List<LossPoint>>> e : curves.entrySet()) {
            SettingReport s = e.getKey();
            String colour = Svg.palette(s.index() - 1);
            String name = "#" + s.index() + (labelled ? " " + Svg.fit(s.label(), 260) : "");
            for (List<LossPoint> losses : e.getValue()) {
                averaged |= losses.size() > MAX_POINTS;
                series.add(new SvgLineChart.Series(name, downsample(losses, MAX_POINTS), colour, 1.3, 0.75, false));
                name = null; // the setting's other seeds share its entry
            }
        }
        String subtitle = series.size() + " runs of " + curves.size()
                + " settings: a colour per setting, a line per seed"
                + (averaged ? "; each curve averaged into at most " + MAX_POINTS + " points" : "");
        String svg = SvgLineChart.render(
                Headings.chart("Training loss", report.title()),
                subtitle,
                "step",
                "loss (mean token cross-entropy)",
                series);
        return List.of(new Chart(FILE, "Training loss", svg));
    }

    /**
     * At most {@code max} points: the curve cut into {@code max} runs of consecutive points as equal in
     * length as can be, each drawn at its mean step and mean loss (steps with a loss that is not finite
     * left out). A shorter curve is returned as it is.
     */
    static List<double[]> downsample(List<LossPoint> points, int max) {
        List<double[]> out = new ArrayList<>();
        int n = points.size();
        if (n <= max) {
            points.forEach(p -> out.add(new double[] {p.step(), p.loss()}));
            return out;
        }
        for (int b = 0; b < max; b++) {
            int from = (int) ((long) b * n / max);
            int to = (int) ((long) (b + 1) * n / max);
            double step = 0;
            double loss = 0;
            int counted = 0;
            for (LossPoint p : points.subList(from, to)) {
                if (Double.isFinite(p.loss())) {
                    step += p.step();
                    loss += p.loss();
                    counted++;
                }
            }
            if (counted > 0) {
                out.add(new double[] {step / counted, loss / counted});
            }
        }
        return out;
    }
}

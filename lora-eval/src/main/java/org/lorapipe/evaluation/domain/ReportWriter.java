package org.lorapipe.evaluation.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lorapipe.charts.Svg;
import org.lorapipe.charts.SvgLineChart;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.json.Json;

/**
 * Writes an evaluation's report files into a directory (published by the consumer under
 * {@code runs/{requestId}/eval/}):
 *
 * <ul>
 *   <li>{@value #JSON}: every metric, comparison (difference, standard error, significance) and
 *       per-item detail;
 *   <li>{@value #MARKDOWN}: a table base versus tuned per metric, then every metric, then the charts;
 *   <li>{@value #METRICS_SVG}: base versus tuned bars per headline metric;
 *   <li>{@value #LOSS_SVG}: the training loss curve, when the report has one.
 * </ul>
 */
public final class ReportWriter {

    public static final String JSON = "report.json";
    public static final String MARKDOWN = "report.md";
    public static final String METRICS_SVG = "metrics.svg";
    public static final String LOSS_SVG = "loss.svg";

    private ReportWriter() {}

    /** Writes the files; returns them in the order listed above. */
    public static List<Path> write(EvaluationReport report, Path dir) {
        try {
            Files.createDirectories(dir);
            List<Path> files = new ArrayList<>();
            files.add(Files.writeString(dir.resolve(JSON), json(report), StandardCharsets.UTF_8));
            files.add(Files.writeString(dir.resolve(MARKDOWN), markdown(report), StandardCharsets.UTF_8));
            files.add(Files.writeString(dir.resolve(METRICS_SVG), metricsChart(report), StandardCharsets.UTF_8));
            if (!report.trainingLoss().isEmpty()) {
                files.add(Files.writeString(
                        dir.resolve(LOSS_SVG), lossChart(report.trainingLoss()), StandardCharsets.UTF_8));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the evaluation report to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The {@value #JSON} text: the report's own fields, then the keys lm-evaluation-harness writes, so
     * tools that read its results files read ours: {@code results} {task: {{@code alias}, metric
     * {@code ,none}: value}} for base + adapter (the model evaluated), {@code results_base} the same for
     * the base model, {@code n-shot} {task: 0}, {@code configs} {task: {{@code num_fewshot}: 0}} and
     * {@code n-samples} {task: {{@code original}, {@code effective}}} where the task counts items.
     * Every metric keeps its name ({@code acc}, {@code acc_stderr}, {@code acc_norm}, ...) with the
     * harness's filter suffix {@code ,none}; the values are the ones under {@code tasks}.
     */
    public static String json(EvaluationReport report) {
        ObjectNode root = Json.mapper().valueToTree(report);
        ObjectNode results = root.putObject("results");
        ObjectNode resultsBase = root.putObject("results_base");
        ObjectNode nShot = root.putObject("n-shot");
        ObjectNode configs = root.putObject("configs");
        ObjectNode nSamples = root.putObject("n-samples");
        for (TaskReport t : report.tasks()) {
            harnessMetrics(results.putObject(t.key()), t.key(), t.tuned());
            harnessMetrics(resultsBase.putObject(t.key()), t.key(), t.base());
            nShot.put(t.key(), 0);
            ObjectNode config = configs.putObject(t.key());
            config.put("task", t.task());
            config.put("num_fewshot", 0);
            Double n = t.tuned().get("n");
            if (n != null) {
                ObjectNode samples = nSamples.putObject(t.key());
                samples.put("original", n.longValue());
                samples.put("effective", n.longValue());
            }
        }
        return Json.writePretty(root) + "\n";
    }

    private static void harnessMetrics(ObjectNode out, String key, Map<String, Double> metrics) {
        out.put("alias", key);
        metrics.forEach((name, value) -> out.put(name + ",none", value));
    }

    public static String metricsChart(EvaluationReport report) {
        return ComparisonChart.render(report);
    }

    public static String lossChart(List<LossPoint> points) {
        List<double[]> raw =
                points.stream().map(p -> new double[] {p.step(), p.loss()}).toList();
        List<SvgLineChart.Series> series = new ArrayList<>();
        boolean smooth = points.size() >= 20;
        series.add(new SvgLineChart.Series(
                smooth ? "loss" : "training loss",
                raw,
                Svg.TUNED,
                smooth ? 1.2 : 2.2,
                smooth ? 0.35 : 1,
                points.size() <= 40));
        if (smooth) {
            // exponential moving average from 0 with bias correction (as Adam's moments), so the
            // smoothed line starts on the data instead of lagging behind the first value
            List<double[]> ema = new ArrayList<>();
            double beta = 0.9;
            double m = 0;
            for (int i = 0; i < points.size(); i++) {
                m = beta * m + (1 - beta) * points.get(i).loss();
                ema.add(new double[] {points.get(i).step(), m / (1 - Math.pow(beta, i + 1))});
            }
            series.add(new SvgLineChart.Series("smoothed (EMA 0.9)", ema, Svg.TUNED, 2.4, 1, false));
        }
        LossPoint first = points.get(0);
        LossPoint last = points.get(points.size() - 1);
        String subtitle = String.format(
                Locale.ROOT,
                "%d points · step %d → %d · loss %.3f → %.3f",
                points.size(),
                first.step(),
                last.step(),
                first.loss(),
                last.loss());
        return SvgLineChart.render("Training loss", subtitle, "step", "loss (mean token cross-entropy)", series);
    }

    public static String markdown(EvaluationReport report) {
        StringBuilder md = new StringBuilder();
        md.append("# Evaluation")
                .append(report.title() == null ? "" : ": " + report.title())
                .append("\n\n");
        md.append("Created ")
                .append(report.createdAt())
                .append(". Base model versus base + adapter, scored on the")
                .append(" same items; Δ = tuned − base. A difference is *significant* when it exceeds two standard")
                .append(" errors of the paired per-item (per-token for perplexity) difference.\n\n");
        md.append("| task | metric | base | tuned | Δ | 2·SE(Δ) | beyond 2 SE |\n");
        md.append("|---|---|---:|---:|---:|---:|---|\n");
        for (TaskReport t : report.tasks()) {
            for (Comparison c : t.comparisons()) {
                md.append("| ")
                        .append(t.key())
                        .append(" | ")
                        .append(c.metric())
                        .append(c.higherIsBetter() ? " ↑" : " ↓")
                        .append(" | ")
                        .append(fixed(c.base()))
                        .append(" | ")
                        .append(fixed(c.tuned()))
                        .append(" | ")
                        .append(signed(c.difference()))
                        .append(" | ")
                        .append(fixed(2 * c.stderr()))
                        .append(" | ")
                        .append(c.significant() ? (c.improved() ? "**yes, better**" : "**yes, worse**") : "no")
                        .append(" |\n");
            }
        }
        md.append("\n![base vs tuned](").append(METRICS_SVG).append(")\n\n");
        if (!report.trainingLoss().isEmpty()) {
            md.append("![training loss](").append(LOSS_SVG).append(")\n\n");
        }
        md.append("## All metrics\n\n");
        for (TaskReport t : report.tasks()) {
            md.append("### ").append(t.key()).append(" — ").append(t.source()).append("\n\n");
            md.append("| metric | base | tuned |\n|---|---:|---:|\n");
            for (Map.Entry<String, Double> e : t.base().entrySet()) {
                md.append("| ")
                        .append(e.getKey())
                        .append(" | ")
                        .append(num(e.getValue()))
                        .append(" | ")
                        .append(num(t.tuned().getOrDefault(e.getKey(), Double.NaN)))
                        .append(" |\n");
            }
            md.append('\n');
        }
        md.append("## Method\n\n")
                .append("- Multiple choice (arc, mmlu, truthfulqa_mc1) follows lm-evaluation-harness: summed")
                .append(" log-probability of each choice's continuation after the prompt, BOS first, context and")
                .append(" continuation tokenized together; `acc` takes the best sum, `acc_norm` the best sum per")
                .append(" character of the choice. Standard error: sample std / sqrt(n).\n")
                .append("- Perplexity: exp of the mean negative log-likelihood of the held-out split's trainable")
                .append(" tokens.\n")
                .append("- Generation: greedy continuation; a prompt passes when it contains every expected")
                .append(" substring (case-insensitive) and matches the regex, if any.\n")
                .append("- Per-item results are in `")
                .append(JSON)
                .append("`.\n");
        return md.toString();
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.2f" : "%.4f", v);
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "n/a" : (v > 0 ? "+" : v < 0 ? "−" : "±") + fixed(Math.abs(v));
    }
}

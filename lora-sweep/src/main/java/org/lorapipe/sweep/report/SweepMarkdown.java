package org.lorapipe.sweep.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.sweep.SweepPlan;

/**
 * {@code report.md}: what was swept, a table per group of figures with one row per setting (mean ± sd
 * over its trained seeds, the marks), what the marks mean, the charts, the runs that are not counted,
 * and how the numbers are made. Every string that comes from the request is escaped.
 */
final class SweepMarkdown {

    private static final int MAX_ERROR_CHARS = 400;

    private SweepMarkdown() {}

    static String render(SweepPlan plan, SweepReport report, List<Dimensions> dimensions, List<Chart> charts) {
        StringBuilder md = new StringBuilder();
        md.append("# Sweep: ").append(MarkdownText.escape(report.title())).append("\n\n");
        md.append("Sweep ")
                .append(MarkdownText.code(report.sweepId()))
                .append(", report written ")
                .append(report.writtenAt())
                .append(". ")
                .append(report.runsTotal())
                .append(" runs (")
                .append(report.settings().size())
                .append(" settings × ")
                .append(report.seeds().size())
                .append(report.seeds().size() == 1 ? " seed" : " seeds")
                .append("): ")
                .append(report.runsTrained())
                .append(" trained, ")
                .append(report.runsFailed())
                .append(" failed, ")
                .append(report.runsQueued())
                .append(" queued.\n\n");
        swept(md, plan, report, dimensions);
        md.append("## Results\n\n");
        if (report.runsTrained() == 0) {
            md.append("No run has trained yet: the tables and charts appear as runs end.\n\n");
        } else {
            md.append("Each cell is the mean ± sample standard deviation over the setting's seeds that trained")
                    .append(" (n of them; a single seed has no standard deviation). Failed and queued runs are not")
                    .append(" counted: they are listed under \"Runs not counted\". ↑ higher is better, ↓ lower.\n\n");
            ResultTables.training(md, report);
            ResultTables.evaluation(md, report);
            marks(md, report);
        }
        if (!charts.isEmpty()) {
            md.append("## Charts\n\n");
            for (Chart c : charts) {
                md.append("### ")
                        .append(MarkdownText.escape(c.title()))
                        .append("\n\n![")
                        .append(MarkdownText.escape(c.title()))
                        .append("](")
                        .append(c.file())
                        .append(")\n\n");
            }
        }
        trainedRuns(md, report);
        notCounted(md, report);
        method(md);
        return md.toString();
    }

    private static void swept(StringBuilder md, SweepPlan plan, SweepReport report, List<Dimensions> dimensions) {
        md.append("## What was swept\n\n");
        var base = plan.request() == null ? null : plan.request().path("base");
        if (base != null && base.path("baseModel").isTextual()) {
            md.append("Base model ")
                    .append(MarkdownText.escape(base.path("baseModel").textValue()));
            if (base.path("dataset").path("uri").isTextual()) {
                md.append(", dataset ")
                        .append(MarkdownText.escape(
                                base.path("dataset").path("uri").textValue()));
            }
            md.append(".\n\n");
        }
        if (dimensions.isEmpty()) {
            md.append("No setting changes the base request: the sweep repeats it over its seeds.\n\n");
        } else {
            md.append("Axes (request paths that change together are one axis):\n\n");
            for (Dimensions d : dimensions) {
                md.append("- ");
                List<String> paths = new ArrayList<>();
                d.axes().forEach(a -> paths.add(MarkdownText.code(a)));
                md.append(String.join(" with ", paths)).append(": ");
                List<String> values = new ArrayList<>();
                for (int v = 0; v < d.values().size(); v++) {
                    String value = MarkdownText.escape(d.values().get(v), 120);
                    values.add(
                            d.names() == null
                                    ? value
                                    : MarkdownText.escape(d.names().get(v)) + " (" + value + ")");
                }
                md.append(String.join(" · ", values));
                md.append(d.varies() ? "" : " (the same in every setting)").append('\n');
            }
            md.append('\n');
        }
        List<String> seeds = new ArrayList<>();
        report.seeds().forEach(s -> seeds.add(Long.toString(s)));
        md.append(report.seeds().size() == 1 ? "Seed " : "Seeds ")
                .append(String.join(", ", seeds))
                .append(".\n\n");
        md.append("| # | setting | runs | trained | failed | queued |\n|---:|---|---:|---:|---:|---:|\n");
        for (SettingReport s : report.settings()) {
            md.append("| ")
                    .append(s.index())
                    .append(" | ")
                    .append(MarkdownText.escape(s.label(), 300))
                    .append(" | ")
                    .append(s.seeds().planned())
                    .append(" | ")
                    .append(s.seeds().trained())
                    .append(" | ")
                    .append(s.seeds().failed())
                    .append(" | ")
                    .append(s.seeds().queued())
                    .append(" |\n");
        }
        md.append('\n');
    }

    private static void marks(StringBuilder md, SweepReport report) {
        md.append("### Marks\n\n");
        boolean spread = report.settings().stream().anyMatch(s -> s.seeds().trained() >= 2);
        if (!spread) {
            md.append(
                            report.seeds().size() == 1
                                    ? "The sweep has one seed per setting, so there is no seed spread"
                                    : "No setting has two trained seeds yet, so there is no seed spread")
                    .append(" to tell a difference between settings from seed-to-seed variation: no value is")
                    .append(" marked. Run the sweep with several seeds to see which differences are larger than")
                    .append(" that variation.\n\n");
            return;
        }
        md.append("In each column with a direction (the losses, and the evaluation metrics the runs compare with")
                .append(" the base model):\n\n")
                .append("- **bold**: the best mean of all settings (the first one on a tie);\n")
                .append("- ≈: within the seed spread of the best: |mean − best mean| is at most the larger of the")
                .append(" two settings' standard deviations over seeds (of those that have one: a setting with one")
                .append(" trained seed has none). Such a difference cannot be told from seed-to-seed variation;\n")
                .append("- no mark: farther from the best than that spread, or (—) no value. A pair in which")
                .append(" neither setting has two trained seeds is not marked either.\n\n");
    }

    /** Every run that trained, with its own figures and how far its memory estimate was off. */
    private static void trainedRuns(StringBuilder md, SweepReport report) {
        List<RunReport> trained =
                report.runs().stream().filter(RunReport::trained).toList();
        if (trained.isEmpty()) {
            return;
        }
        md.append("## Runs\n\n")
                .append("Each run that trained. Predicted: the peak memory the trainer estimated before the run")
                .append(" trained; error = (predicted − measured) / measured.\n\n")
                .append("| run | # | seed | train loss | validation loss | peak memory | predicted | error |")
                .append(" tokens/s | wall time |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RunReport r : trained) {
            Long peak = r.peakRssBytes();
            Long predicted = r.predictedPeakBytes();
            md.append("| ")
                    .append(r.n())
                    .append(" | ")
                    .append(r.setting())
                    .append(" | ")
                    .append(r.seed())
                    .append(" | ")
                    .append(r.trainLoss() == null ? Numbers.NONE : Numbers.value(r.trainLoss()))
                    .append(" | ")
                    .append(r.validationLoss() == null ? Numbers.NONE : Numbers.value(r.validationLoss()))
                    .append(" | ")
                    .append(peak == null ? Numbers.NONE : Numbers.whole(peak / Numbers.MIB) + " MiB")
                    .append(" | ")
                    .append(predicted == null ? Numbers.NONE : Numbers.whole(predicted / Numbers.MIB) + " MiB")
                    .append(" | ")
                    .append(
                            peak == null || predicted == null || peak <= 0
                                    ? Numbers.NONE
                                    : Numbers.percent((predicted - (double) peak) / peak))
                    .append(" | ")
                    .append(r.tokensPerSecond() == null ? Numbers.NONE : Numbers.whole(r.tokensPerSecond()))
                    .append(" | ")
                    .append(r.durationMs() == null ? Numbers.NONE : Numbers.seconds(r.durationMs() / 1000.0) + " s")
                    .append(" |\n");
        }
        md.append('\n');
    }

    private static void notCounted(StringBuilder md, SweepReport report) {
        md.append("## Runs not counted\n\n");
        List<RunReport> left = report.runs().stream().filter(r -> !r.trained()).toList();
        if (left.isEmpty()) {
            md.append("None: every run trained.\n\n");
            return;
        }
        md.append("| run | request id | # | seed | state | failed in | error |\n|---:|---|---:|---:|---|---|---|\n");
        for (RunReport r : left) {
            md.append("| ")
                    .append(r.n())
                    .append(" | ")
                    .append(MarkdownText.code(r.requestId()))
                    .append(" | ")
                    .append(r.setting())
                    .append(" | ")
                    .append(r.seed())
                    .append(" | ")
                    .append(MarkdownText.escape(r.state()))
                    .append(" | ")
                    .append(r.stage() == null ? "" : MarkdownText.escape(r.stage()))
                    .append(" | ")
                    .append(r.error() == null ? "" : error(r))
                    .append(" |\n");
        }
        md.append('\n');
    }

    private static String error(RunReport r) {
        String code = r.error().code() == null ? "" : r.error().code();
        String message = r.error().message() == null ? "" : r.error().message();
        return MarkdownText.escape(code.isEmpty() ? message : code + ": " + message, MAX_ERROR_CHARS);
    }

    private static void method(StringBuilder md) {
        md.append("## Method\n\n")
                .append("- Mean and sample standard deviation (n − 1) over the seeds of a setting that trained (ended")
                .append(" merged or not merged). Values that are not finite are left out, and so is a figure a run")
                .append(" did not report.\n")
                .append(
                        "- \"vs base\": the mean over seeds of tuned − base, run by run, with the standard error of the")
                .append(" paired per-item difference from the runs' evaluation reports. Several seeds' errors are")
                .append(" combined as their root mean square, sqrt(mean(SE²)), not divided by √n: every seed is scored")
                .append(" on the same items, so this item-sampling error is shared by the seeds and does not shrink")
                .append(" with more of them. The seed-to-seed variation is the ± of the metric itself.\n")
                .append("- Predicted peak: the estimate made before training, mean over the setting's runs; its error")
                .append(" is (predicted − measured) / measured, averaged over the trained runs that have both.\n")
                .append("- Charts draw the losses and the compared metrics (those with a direction); every metric is")
                .append(" in the tables and in `report.json`. Loss curves of more than ")
                .append(LossCurves.MAX_POINTS)
                .append(" steps are drawn as means of runs of consecutive steps.\n");
    }

    /** The report's metrics by task, in order. */
    static Map<String, List<Integer>> byTask(SweepReport report) {
        Map<String, List<Integer>> tasks = new LinkedHashMap<>();
        for (int m = 0; m < report.metrics().size(); m++) {
            tasks.computeIfAbsent(report.metrics().get(m).task(), k -> new ArrayList<>())
                    .add(m);
        }
        return tasks;
    }
}

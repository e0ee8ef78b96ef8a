package org.lorapipe.sweep.report;

import java.util.List;
import java.util.Map;

/**
 * The result tables of report.md, one row per setting: the training figures, then one table per
 * evaluation task with every metric of it and, for the metrics compared with the base model, the
 * difference to the base with its paired standard error.
 */
final class ResultTables {

    private ResultTables() {}

    static void training(StringBuilder md, SweepReport report) {
        boolean predicted = report.settings().stream()
                .anyMatch(s -> s.training().predictedPeakBytes().known());
        md.append("### Training\n\n| # | setting | n | train loss ↓ | validation loss ↓ | peak memory |");
        md.append(predicted ? " predicted peak (error) |" : "");
        md.append(" tokens/s | wall time | trainable parameters |\n|---:|---|---:|---:|---:|---:|");
        md.append(predicted ? "---:|" : "");
        md.append("---:|---:|---:|\n");
        for (SettingReport s : report.settings()) {
            TrainingSummary t = s.training();
            row(md, s);
            md.append(marked(t.trainLoss(), t.trainLossMark()))
                    .append(" | ")
                    .append(marked(t.validationLoss(), t.validationLossMark()))
                    .append(" | ")
                    .append(Numbers.mib(t.peakRssBytes()))
                    .append(" | ");
            if (predicted) {
                md.append(prediction(t)).append(" | ");
            }
            md.append(Numbers.summary(t.tokensPerSecond(), 1, Numbers::whole))
                    .append(" | ")
                    .append(
                            t.durationMs().known()
                                    ? Numbers.summary(t.durationMs(), 1000, Numbers::seconds) + " s"
                                    : Numbers.NONE)
                    .append(" | ")
                    .append(parameters(t))
                    .append(" |\n");
        }
        md.append('\n');
    }

    static void evaluation(StringBuilder md, SweepReport report) {
        for (Map.Entry<String, List<Integer>> task :
                SweepMarkdown.byTask(report).entrySet()) {
            md.append("### Evaluation: ")
                    .append(MarkdownText.escape(task.getKey()))
                    .append("\n\n| # | setting | n |");
            StringBuilder align = new StringBuilder("|---:|---|---:|");
            for (int m : task.getValue()) {
                MetricName name = report.metrics().get(m);
                String metric = MarkdownText.escape(name.metric());
                md.append(' ').append(metric).append(direction(name)).append(" |");
                align.append("---:|");
                if (name.compared()) {
                    md.append(' ').append(metric).append(" vs base |");
                    align.append("---:|");
                }
            }
            md.append('\n').append(align).append('\n');
            for (SettingReport s : report.settings()) {
                row(md, s);
                for (int i = 0; i < task.getValue().size(); i++) {
                    int m = task.getValue().get(i);
                    MetricResult r = s.evaluation().get(m);
                    md.append(i == 0 ? "" : " | ").append(marked(r.tuned(), r.mark()));
                    if (r.tuned().known() && r.tuned().n() != s.seeds().trained()) {
                        md.append(" (n=").append(r.tuned().n()).append(')');
                    }
                    if (report.metrics().get(m).compared()) {
                        md.append(" | ").append(versusBase(r));
                    }
                }
                md.append(" |\n");
            }
            md.append('\n');
        }
    }

    /** "| 3 | label | n | ": the start of a setting's row. */
    private static void row(StringBuilder md, SettingReport s) {
        md.append("| ")
                .append(s.index())
                .append(" | ")
                .append(MarkdownText.escape(s.label(), 200))
                .append(" | ")
                .append(s.seeds().trained())
                .append(" | ");
    }

    private static String direction(MetricName name) {
        return !name.compared() ? "" : name.higherIsBetter() ? " ↑" : " ↓";
    }

    /** The summary with its mark: bold for the best, ≈ within the seed spread of it. */
    static String marked(Summary s, Mark mark) {
        String text = Numbers.summary(s);
        if (mark == Mark.BEST) {
            return "**" + text + "**";
        }
        return mark == Mark.WITHIN_SPREAD ? text + " ≈" : text;
    }

    private static String versusBase(MetricResult r) {
        if (!r.difference().known()) {
            return Numbers.NONE;
        }
        String text = Numbers.signed(r.difference().mean());
        return r.pairedStderr() == null ? text : text + " (SE " + Numbers.value(r.pairedStderr()) + ")";
    }

    private static String prediction(TrainingSummary t) {
        if (!t.predictedPeakBytes().known()) {
            return Numbers.NONE;
        }
        String text = Numbers.mib(new Summary(1, t.predictedPeakBytes().mean(), null));
        return t.predictionError().known()
                ? text + " (" + Numbers.percent(t.predictionError().mean()) + ")"
                : text;
    }

    private static String parameters(TrainingSummary t) {
        if (!t.trainableParameters().known()) {
            return Numbers.NONE;
        }
        String text = Numbers.whole(t.trainableParameters().mean());
        if (t.totalParameters().known() && t.totalParameters().mean() > 0) {
            text += String.format(
                    java.util.Locale.ROOT,
                    " (%.3f%%)",
                    100 * t.trainableParameters().mean() / t.totalParameters().mean());
        }
        return text;
    }
}

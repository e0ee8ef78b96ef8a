package org.lorapipe.cli.watch;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.RenderedExample;
import org.lorapipe.contract.event.TaskResult;

/** One line (or table) of words per pipeline event, for people watching a run. */
public final class RunSummary {
    private RunSummary() {}

    /** The most characters of the manifest's example shown under the dataset line. */
    static final int EXAMPLE_CHARS = 800;

    static String dataset(DatasetPrepared e) {
        var m = e.manifest();
        String line = String.format(
                Locale.ROOT,
                "dataset    %,d records in, %,d out (exact duplicates %,d, near %,d,"
                        + " dropped %s); %,d train / %,d validation examples, %,d train tokens, longest %d, %s",
                m.recordsIn(),
                m.recordsOut(),
                m.duplicatesExact(),
                m.duplicatesNear(),
                m.dropped(),
                m.trainExamples(),
                m.validationExamples(),
                m.trainTokens(),
                m.maxSequenceLength(),
                e.datasetUri());
        return m.example() == null ? line : line + "\n" + example(m.example(), m.endOfTurnToken());
    }

    /**
     * The manifest's rendered example as the model sees it, trained text between [[ and ]] (what
     * Axolotl's preprocess shows in colour), so a wrong template or mask is seen before training.
     */
    static String example(RenderedExample x, String endOfTurn) {
        StringBuilder text = new StringBuilder();
        int shown = 0;
        boolean cut = x.cut();
        for (RenderedExample.Span span : x.spans()) {
            if (shown >= EXAMPLE_CHARS) {
                cut = true;
                break;
            }
            String t = span.text().substring(0, Math.min(span.text().length(), EXAMPLE_CHARS - shown));
            cut |= t.length() < span.text().length();
            shown += t.length();
            text.append(span.trained() ? "[[" + t + "]]" : t);
        }
        String header = String.format(
                Locale.ROOT,
                "  example (record %d; %,d of %,d tokens trained, in [[ ]]%s%s):",
                x.record(),
                x.trainedTokens(),
                x.trainedTokens() + x.untrainedTokens(),
                endOfTurn == null ? "" : "; turns end with " + endOfTurn,
                cut ? "; cut" : "");
        return header + "\n    " + text.toString().replace("\n", "\n    ") + (cut ? " ..." : "");
    }

    static String adapter(AdapterTrained e) {
        var m = e.metrics();
        return String.format(
                Locale.ROOT,
                "training   done in %s: train loss %.4f, validation loss %s, %,.0f tok/s,"
                        + " %,d trainable of %,d parameters (%.3f%%), peak RSS %s%s; adapter %s",
                ProgressBar.duration(m.durationMs()),
                m.trainLoss(),
                m.validationLoss() == null ? "n/a" : String.format(Locale.ROOT, "%.4f", m.validationLoss()),
                m.tokensPerSecond(),
                m.trainableParameters(),
                m.totalParameters(),
                100.0 * m.trainableParameters() / Math.max(1, m.totalParameters()),
                ProgressBar.mib(m.peakRssBytes()),
                m.memory() == null
                        ? ""
                        : " (predicted " + ProgressBar.mib(m.memory().estimatedPeakBytes()) + ")",
                e.adapterUri());
    }

    /** Counts, not scores: shown beside the task name instead of as rows. */
    private static final java.util.List<String> COUNTS = java.util.List.of("n", "examples", "tokens");

    /**
     * The base-vs-tuned table of an evaluation: one row per score, with its standard error when the
     * task reports one ({@code metric_stderr}), and the difference.
     */
    public static String evaluation(EvaluationCompleted e) {
        StringBuilder sb = new StringBuilder("evaluation report " + e.reportUri() + "\n");
        sb.append(String.format(
                Locale.ROOT, "  %-26s %-12s %18s %18s %11s%n", "task", "metric", "base", "tuned", "difference"));
        for (Map.Entry<String, TaskResult> task : new TreeMap<>(e.results()).entrySet()) {
            Map<String, Double> base = task.getValue().base();
            Map<String, Double> tuned = task.getValue().tuned();
            String label = task.getKey() + count(base);
            for (Map.Entry<String, Double> metric : new TreeMap<>(base).entrySet()) {
                String name = metric.getKey();
                if (name.endsWith("_stderr") || COUNTS.contains(name)) {
                    continue;
                }
                Double t = tuned.get(name);
                sb.append(String.format(
                        Locale.ROOT,
                        "  %-26s %-12s %18s %18s %11s%n",
                        label,
                        name,
                        withError(metric.getValue(), base.get(name + "_stderr")),
                        t == null ? "-" : withError(t, tuned.get(name + "_stderr")),
                        t == null ? "-" : String.format(Locale.ROOT, "%+.4f", t - metric.getValue())));
                label = "";
            }
        }
        return sb.toString().stripTrailing();
    }

    private static String count(Map<String, Double> metrics) {
        for (String c : COUNTS) {
            if (metrics.containsKey(c)) {
                return String.format(Locale.ROOT, " (%s=%.0f)", c, metrics.get(c));
            }
        }
        return "";
    }

    private static String withError(double value, Double stderr) {
        return stderr == null
                ? String.format(Locale.ROOT, "%.4f", value)
                : String.format(Locale.ROOT, "%.4f ± %.4f", value, stderr);
    }

    static String merged(ModelMerged e) {
        if (Boolean.FALSE.equals(e.merged())) {
            return "merge      not merged: " + e.reason();
        }
        long bytes = e.files() == null
                ? 0
                : e.files().stream().mapToLong(f -> f.bytes()).sum();
        return String.format(
                Locale.ROOT,
                "merge      %s: %d files, %s, %s; max |logit difference| vs base + adapter" + " %.2e",
                e.modelUri(),
                e.files() == null ? 0 : e.files().size(),
                ProgressBar.mib(bytes),
                e.dtype(),
                e.verification() == null ? Double.NaN : e.verification().maxAbsLogitDiff());
    }

    static String failed(PipelineFailed e) {
        return "FAILED at " + e.stage().wire() + " (" + e.error().code() + "): "
                + e.error().message();
    }
}

package org.lorapipe.merge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.lorapipe.contract.event.TaskResult;
import org.lorapipe.contract.request.MergeGate;
import org.lorapipe.contract.request.MergeSpec;

/**
 * Decides from the request's {@code merge} section and the evaluation results whether to merge: not
 * when {@code merge.enabled} is false, nor when the tuned model is worse than the base on the gate's
 * task and metric by more than its tolerance. "Worse" follows the metric: losses, perplexities and
 * negative log-likelihoods are better low, everything else (accuracies, pass rates) better high.
 */
public final class QualityGate {

    /** What to do with one evaluated run. */
    public sealed interface Decision {}

    /** Merge the adapter. */
    public record Merge() implements Decision {}

    /** Do not merge; {@code reason} says why (it becomes ModelMerged.reason). */
    public record Skip(String reason) implements Decision {}

    /** The gate names results the event does not carry; {@code message} says which. */
    public record Invalid(String message) implements Decision {}

    public static final String DISABLED = "merge.enabled is false in the request";

    private QualityGate() {}

    public static Decision decide(MergeSpec spec, Map<String, TaskResult> results) {
        if (!spec.enabled()) {
            return new Skip(DISABLED);
        }
        MergeGate gate = spec.gate();
        if (gate == null) {
            return new Merge();
        }
        TaskResult task = results == null ? null : results.get(gate.task());
        if (task == null) {
            return new Invalid("merge.gate.task '" + gate.task() + "' has no results in the EvaluationCompleted event"
                    + " (it has results for " + (results == null ? "no task" : new TreeSet<>(results.keySet()))
                    + "): evaluate that task or change the gate");
        }
        List<String> problems = new ArrayList<>();
        Double base = metric(task.base(), "base", gate, problems);
        Double tuned = metric(task.tuned(), "tuned", gate, problems);
        if (!problems.isEmpty()) {
            return new Invalid(String.join("; ", problems));
        }
        String what = gate.task() + "/" + gate.metric();
        if (!Double.isFinite(base) || !Double.isFinite(tuned)) {
            return new Skip("the quality gate blocked the merge: " + what + " is " + tuned + " tuned vs " + base
                    + " base, not a finite number");
        }
        boolean lowerIsBetter = lowerIsBetter(gate.metric());
        double worseBy = lowerIsBetter ? tuned - base : base - tuned;
        if (worseBy > gate.tolerance()) {
            return new Skip("the quality gate blocked the merge: " + what + " is " + tuned + " tuned vs " + base
                    + " base (" + (lowerIsBetter ? "lower" : "higher") + " is better), worse by " + worseBy
                    + ", more than the tolerance " + gate.tolerance());
        }
        return new Merge();
    }

    /** Losses, perplexities and negative log-likelihoods are better low. */
    public static boolean lowerIsBetter(String metric) {
        String m = metric.toLowerCase(Locale.ROOT);
        return m.contains("perplexity") || m.contains("loss") || m.contains("nll");
    }

    private static Double metric(Map<String, Double> values, String side, MergeGate gate, List<String> problems) {
        Double v = values == null ? null : values.get(gate.metric());
        if (v == null) {
            problems.add("merge.gate.metric '" + gate.metric() + "' is missing from results['" + gate.task() + "']."
                    + side + " (metrics present: " + (values == null ? "none" : new TreeSet<>(values.keySet()))
                    + "): name one of them in the gate");
        }
        return v;
    }
}

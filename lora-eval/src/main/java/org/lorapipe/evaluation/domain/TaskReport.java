package org.lorapipe.evaluation.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.event.TaskResult;

/**
 * One task's results for both variants.
 *
 * @param key the task's key in {@code EvaluationCompleted.results} ({@code arc}, {@code perplexity}, ...)
 * @param task the task name
 * @param source what was evaluated (benchmark file name, "validation split", "N prompts")
 * @param base every metric of the base model
 * @param tuned every metric of base + adapter
 * @param comparisons headline metrics compared
 * @param baseDetails per-item results of the base model
 * @param tunedDetails per-item results of base + adapter
 */
public record TaskReport(
        String key,
        String task,
        String source,
        Map<String, Double> base,
        Map<String, Double> tuned,
        List<Comparison> comparisons,
        Object baseDetails,
        Object tunedDetails) {

    static TaskReport of(String key, String task, String source, TaskRun base, TaskRun tuned) {
        List<Comparison> comparisons = new ArrayList<>();
        List<Metric> b = base.headline();
        List<Metric> t = tuned.headline();
        for (int i = 0; i < b.size(); i++) {
            comparisons.add(Comparison.of(b.get(i), t.get(i)));
        }
        return new TaskReport(
                key, task, source, base.metrics(), tuned.metrics(), comparisons, base.details(), tuned.details());
    }

    public TaskResult toResult() {
        return new TaskResult(base, tuned);
    }
}

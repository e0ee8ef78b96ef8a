package org.lorapipe.evaluation.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.event.TaskResult;

/**
 * Everything one evaluation found: per task, both variants' metrics, the comparisons and the per-item
 * details; plus the training loss curve for the report's plot.
 *
 * @param title e.g. the requestId
 * @param createdAt ISO-8601 instant
 * @param trainingLoss (step, loss) points from training, possibly empty
 */
public record EvaluationReport(String title, String createdAt, List<TaskReport> tasks, List<LossPoint> trainingLoss) {

    public EvaluationReport {
        tasks = List.copyOf(tasks);
        trainingLoss = trainingLoss == null ? List.of() : List.copyOf(trainingLoss);
    }

    /** The {@code results} of {@code EvaluationCompleted}. */
    public Map<String, TaskResult> results() {
        Map<String, TaskResult> r = new LinkedHashMap<>();
        for (TaskReport t : tasks) {
            r.put(t.key(), t.toResult());
        }
        return r;
    }

    /** The same report with a training loss curve. */
    public EvaluationReport withTrainingLoss(List<LossPoint> points) {
        return new EvaluationReport(title, createdAt, tasks, points);
    }
}

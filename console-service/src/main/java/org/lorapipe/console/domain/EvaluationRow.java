package org.lorapipe.console.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.TaskResult;

/**
 * One row of the base-vs-tuned table: a task's metric with its standard errors (the task's
 * {@code metric_stderr}, when it reports one) and the difference, as {@code lora watch} prints it.
 *
 * @param count the task's item count ({@code n}, {@code examples} or {@code tokens}), or null
 * @param beyondTwoStderr true when |tuned - base| exceeds two combined standard errors
 */
public record EvaluationRow(
        String task,
        String metric,
        Long count,
        double base,
        Double baseStderr,
        Double tuned,
        Double tunedStderr,
        Double difference,
        boolean beyondTwoStderr) {

    /** Counts, not scores: shown beside the task, not as rows. */
    public static final List<String> COUNTS = List.of("n", "examples", "tokens");

    public static List<EvaluationRow> of(EvaluationCompleted e) {
        List<EvaluationRow> rows = new ArrayList<>();
        for (Map.Entry<String, TaskResult> task : e.results().entrySet()) {
            Map<String, Double> base = task.getValue().base();
            Map<String, Double> tuned = task.getValue().tuned();
            Long count = null;
            for (String c : COUNTS) {
                if (base.get(c) != null) {
                    count = Math.round(base.get(c));
                    break;
                }
            }
            for (Map.Entry<String, Double> m : base.entrySet()) {
                String name = m.getKey();
                if (name.endsWith("_stderr") || COUNTS.contains(name) || m.getValue() == null) {
                    continue;
                }
                Double t = tuned.get(name);
                Double bs = base.get(name + "_stderr");
                Double ts = tuned.get(name + "_stderr");
                Double diff = t == null ? null : t - m.getValue();
                boolean beyond =
                        diff != null && bs != null && ts != null && Math.abs(diff) > 2 * Math.sqrt(bs * bs + ts * ts);
                rows.add(new EvaluationRow(task.getKey(), name, count, m.getValue(), bs, t, ts, diff, beyond));
            }
        }
        return rows;
    }
}

package org.lorapipe.sweep.report;

/**
 * An evaluation metric of the sweep: a task key of the runs' evaluation reports and a metric of it.
 *
 * @param task the task's key ({@code arc}, {@code perplexity}, a label)
 * @param metric e.g. {@code acc}, {@code perplexity}, {@code pass_rate}
 * @param higherIsBetter from the runs' comparisons with the base model; absent for a metric they do not
 *     compare (its direction is unknown, so it gets no marks)
 */
public record MetricName(String task, String metric, Boolean higherIsBetter) {

    /** Whether the metric has a direction (and so a best setting). */
    public boolean compared() {
        return higherIsBetter != null;
    }
}

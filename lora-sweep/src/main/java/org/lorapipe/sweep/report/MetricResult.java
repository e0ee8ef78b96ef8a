package org.lorapipe.sweep.report;

/**
 * One evaluation metric of one setting over its trained seeds.
 *
 * @param tuned base + adapter
 * @param base the base model, evaluated in each run beside it
 * @param difference tuned - base, run by run
 * @param pairedStderr the standard error of the paired (per-item) difference, combined over the seeds as
 *     the root mean square of the runs' errors, sqrt(mean(se^2)): every seed is scored on the same
 *     items, so that error is shared by the seeds rather than averaged away (the seed-to-seed part is
 *     the {@code sd} of {@code difference}); absent for a metric the runs do not compare
 * @param mark against the best setting's {@code tuned} mean
 */
public record MetricResult(
        String task, String metric, Summary tuned, Summary base, Summary difference, Double pairedStderr, Mark mark) {

    public MetricResult {
        pairedStderr = Summary.finiteOrNull(pairedStderr);
    }

    public MetricResult withMark(Mark m) {
        return new MetricResult(task, metric, tuned, base, difference, pairedStderr, m);
    }
}

package org.lorapipe.sweep.report;

/**
 * One metric of one run's evaluation report.
 *
 * @param tuned base + adapter; null when the report has no finite value
 * @param base the base model; null when the report has no finite value
 * @param pairedStderr the standard error of the paired difference, for a compared metric
 * @param higherIsBetter for a compared metric; null otherwise
 */
record RunMetric(String task, String metric, Double tuned, Double base, Double pairedStderr, Boolean higherIsBetter) {

    MetricName name() {
        return new MetricName(task, metric, higherIsBetter);
    }

    /** tuned - base, when both are known. */
    Double difference() {
        return tuned != null && base != null ? tuned - base : null;
    }
}

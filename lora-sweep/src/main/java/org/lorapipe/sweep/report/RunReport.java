package org.lorapipe.sweep.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lorapipe.contract.event.FailureError;
import org.lorapipe.contract.sweep.SweepRunEnded;

/**
 * One run of the sweep as the report lists it: its state and, once it trained, its own figures. A
 * failed run keeps whatever figures it got (a run may fail after training) but is not counted in its
 * setting's means.
 *
 * @param state {@code queued}, or the run's outcome: {@code merged}, {@code not-merged} or {@code failed}
 * @param stage the stage that failed, for {@code failed}
 * @param error what failed, for {@code failed}
 * @param predictedPeakBytes the peak memory predicted before training
 * @param evaluation task key to metric to the tuned model's value
 */
public record RunReport(
        int n,
        String requestId,
        int setting,
        long seed,
        String state,
        String stage,
        FailureError error,
        Double trainLoss,
        Double validationLoss,
        Long peakRssBytes,
        Long predictedPeakBytes,
        Double tokensPerSecond,
        Long durationMs,
        Long trainableParameters,
        Long totalParameters,
        Map<String, Map<String, Double>> evaluation) {

    public static final String QUEUED = "queued";

    public RunReport {
        trainLoss = Summary.finiteOrNull(trainLoss);
        validationLoss = Summary.finiteOrNull(validationLoss);
        tokensPerSecond = Summary.finiteOrNull(tokensPerSecond);
        Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
        evaluation.forEach(
                (task, metrics) -> copy.put(task, Collections.unmodifiableMap(new LinkedHashMap<>(metrics))));
        evaluation = Collections.unmodifiableMap(copy);
    }

    public boolean queued() {
        return QUEUED.equals(state);
    }

    /** Whether it ended merged or not merged: its figures count in its setting's means. */
    public boolean trained() {
        return !queued() && !SweepRunEnded.FAILED.equals(state);
    }

    /** The tuned value of a metric, or null. */
    public Double value(MetricName m) {
        return evaluation.getOrDefault(m.task(), Map.of()).get(m.metric());
    }
}

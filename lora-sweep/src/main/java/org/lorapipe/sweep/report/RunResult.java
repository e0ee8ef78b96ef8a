package org.lorapipe.sweep.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.sweep.SweepRun;
import org.lorapipe.contract.sweep.SweepRunEnded;

/**
 * One run of the plan and what is known of it; every field but run may be null (queued, failed, not
 * evaluated).
 *
 * @param run the run as the plan lists it
 * @param end its {@code runs/{n}.json}; null while it is queued
 * @param training its adapter's {@code training.json}, once it trained
 * @param evaluation its {@code runs/{id}/eval/report.json} as written by lora-eval's {@code ReportWriter}
 * @param estimatedPeakBytes the peak resident memory predicted for the run before it trained, if any
 */
public record RunResult(
        SweepRun run, SweepRunEnded end, TrainingRecord training, JsonNode evaluation, Long estimatedPeakBytes) {

    /** A run with no end seen yet. */
    public static RunResult queued(SweepRun run) {
        return new RunResult(run, null, null, null, null);
    }
}

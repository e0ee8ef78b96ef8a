package org.lorapipe.sweep.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.sweep.SweepRun;
import org.lorapipe.contract.sweep.SweepRunEnded;

/**
 * One run of a sweep's plan and what is known of it. Every field but {@code run} may be null: queued
 * (no end yet), failed (no training), not evaluated.
 *
 * @param evaluation the run's {@code runs/{id}/eval/report.json}
 * @param estimatedPeakBytes the memory the trainer predicted for the run, when it did
 */
public record RunResult(
        SweepRun run, SweepRunEnded end, TrainingRecord training, JsonNode evaluation, Long estimatedPeakBytes) {}

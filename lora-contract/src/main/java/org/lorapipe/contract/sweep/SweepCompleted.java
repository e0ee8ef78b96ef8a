package org.lorapipe.contract.sweep;

import java.time.Instant;
import java.util.List;

/**
 * {@code lora.sweep.completed}: every run of the sweep ended (a failed run is a row of the report, not
 * the end of the sweep) and the report is published at {@code reportUri}.
 */
public record SweepCompleted(
        int schemaVersion,
        String sweepId,
        Instant occurredAt,
        String title,
        int runsTotal,
        int runsFailed,
        List<SweepSetting> settings,
        List<SweepRunStatus> runs,
        String reportUri) {
    public SweepCompleted {
        settings = List.copyOf(settings);
        runs = List.copyOf(runs);
    }
}

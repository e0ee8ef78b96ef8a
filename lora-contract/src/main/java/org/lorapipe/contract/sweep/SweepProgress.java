package org.lorapipe.contract.sweep;

import java.time.Instant;
import java.util.List;

/**
 * {@code lora.sweep.progress}: a sweep was accepted (every run queued) or one of its runs ended. Each
 * event carries every run's state, so the latest one alone is the whole picture.
 *
 * @param runsEnded runs that ended, failed ones included
 * @param runsFailed runs that failed
 * @param reportUri the {@code sweeps/{id}/} folder once a report is there (after the first run ended)
 */
public record SweepProgress(
        int schemaVersion,
        String sweepId,
        Instant occurredAt,
        String title,
        int runsTotal,
        int runsEnded,
        int runsFailed,
        List<SweepSetting> settings,
        List<SweepRunStatus> runs,
        String reportUri) {
    public SweepProgress {
        settings = List.copyOf(settings);
        runs = List.copyOf(runs);
    }
}

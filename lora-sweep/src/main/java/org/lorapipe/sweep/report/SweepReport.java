package org.lorapipe.sweep.report;

import java.time.Instant;
import java.util.List;

/**
 * {@code report.json} of a sweep ({@code sweeps/{id}/report/}): every setting's figures over its
 * seeds, every run's state and figures, and the files beside it. Numbers are finite or absent.
 *
 * @param writtenAt when the report was rendered (the only thing that differs between two renderings of
 *     the same runs)
 * @param axes every request path a setting sets, as the plan lists them
 * @param runsTotal runs of the plan: settings x seeds
 * @param metrics the evaluation metrics found in the runs' reports, in the order the reports list them;
 *     each setting's {@code evaluation} follows this order
 * @param settings one per setting of the plan, in order
 * @param runs one per run of the plan, in order
 * @param files the report's files (this one included), in the order they are written
 */
public record SweepReport(
        int schemaVersion,
        String sweepId,
        String title,
        Instant writtenAt,
        List<String> axes,
        List<Long> seeds,
        int runsTotal,
        int runsTrained,
        int runsFailed,
        int runsQueued,
        List<MetricName> metrics,
        List<SettingReport> settings,
        List<RunReport> runs,
        List<String> files) {

    public static final int SCHEMA_VERSION = 1;

    public SweepReport {
        axes = List.copyOf(axes);
        seeds = List.copyOf(seeds);
        metrics = List.copyOf(metrics);
        settings = List.copyOf(settings);
        runs = List.copyOf(runs);
        files = List.copyOf(files);
    }

    public SweepReport withFiles(List<String> names) {
        return new SweepReport(
                schemaVersion,
                sweepId,
                title,
                writtenAt,
                axes,
                seeds,
                runsTotal,
                runsTrained,
                runsFailed,
                runsQueued,
                metrics,
                settings,
                runs,
                names);
    }
}

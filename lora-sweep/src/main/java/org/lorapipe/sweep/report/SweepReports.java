package org.lorapipe.sweep.report;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepRun;

/**
 * Renders a sweep's report folder ({@code sweeps/{id}/report/}, docs/CONTRACT.md "Sweeps") from its plan
 * and what is known of its runs. Pure: no Kafka, no storage; the sweep-service reads the runs' files,
 * calls {@link #render} after each run's end and publishes the files it returns.
 */
public final class SweepReports {

    public static final String JSON = "report.json";
    public static final String MARKDOWN = "report.md";
    /** Runs one report covers, at most (the sweep-service's default {@code lora.sweep.max-runs}). */
    public static final int MAX_RUNS = 256;

    private SweepReports() {}

    /**
     * The report folder's files, name -> bytes: report.json, report.md and the SVG charts. Deterministic
     * for the same inputs and time.
     *
     * @param results what is known of the plan's runs, at most one per run, in any order; a run of the
     *     plan without one is queued
     * @throws IllegalArgumentException when the plan has more than {@value #MAX_RUNS} runs or a result
     *     does not match the plan (every problem named at once)
     */
    public static Map<String, byte[]> render(SweepPlan plan, List<RunResult> results, Instant writtenAt) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(writtenAt, "writtenAt");
        Map<Integer, RunResult> byRun = check(plan, results);
        SweepReport report = Aggregation.of(plan, byRun, writtenAt);
        List<Dimensions> dimensions = Dimensions.of(plan);
        List<Chart> charts = new ArrayList<>();
        charts.addAll(AxisCharts.render(report, dimensions));
        charts.addAll(LossCurves.render(report, byRun));
        charts.addAll(CostCharts.render(report));
        List<String> names = new ArrayList<>(List.of(JSON, MARKDOWN));
        charts.forEach(c -> names.add(c.file()));
        report = report.withFiles(names);

        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(JSON, utf8(Json.writePretty(report) + "\n"));
        files.put(MARKDOWN, utf8(SweepMarkdown.render(plan, report, dimensions, charts)));
        charts.forEach(c -> files.put(c.file(), utf8(c.svg())));
        return Collections.unmodifiableMap(files);
    }

    /** The figures alone, as report.json holds them (without the list of files). */
    static SweepReport report(SweepPlan plan, List<RunResult> results, Instant writtenAt) {
        return Aggregation.of(plan, check(plan, results), writtenAt);
    }

    /** The results by run number, after checking that each belongs to the plan. */
    private static Map<Integer, RunResult> check(SweepPlan plan, List<RunResult> results) {
        List<String> problems = new ArrayList<>();
        if (plan.runs().size() > MAX_RUNS) {
            problems.add("the plan has " + plan.runs().size() + " runs, more than the " + MAX_RUNS
                    + " a report covers: split the sweep");
        }
        Map<Integer, RunResult> byRun = new LinkedHashMap<>();
        for (int i = 0; i < results.size(); i++) {
            RunResult r = results.get(i);
            String where = "results[" + i + "]";
            if (r == null || r.run() == null) {
                problems.add(where + " has no run: every result names the run of the plan it belongs to");
                continue;
            }
            SweepRun run = r.run();
            if (!plan.run(run.n()).map(run::equals).orElse(false)) {
                problems.add(where + " is run " + run.n() + " (" + run.requestId() + ", setting " + run.setting()
                        + ", seed " + run.seed() + "), which is not a run of sweep " + plan.sweepId() + "'s plan");
                continue;
            }
            if (r.end() != null
                    && (r.end().n() != run.n()
                            || !run.requestId().equals(r.end().requestId())
                            || !plan.sweepId().equals(r.end().sweepId()))) {
                problems.add(where + " has the end of run " + r.end().n() + " ("
                        + r.end().requestId() + " of sweep " + r.end().sweepId() + ") for run " + run.n() + " ("
                        + run.requestId() + ")");
            }
            if (byRun.putIfAbsent(run.n(), r) != null) {
                problems.add(where + " is a second result for run " + run.n() + ": give one per run");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot render the report of sweep " + plan.sweepId() + ": "
                    + String.join("; ", problems.subList(0, Math.min(problems.size(), 20)))
                    + (problems.size() > 20 ? "; and " + (problems.size() - 20) + " more" : ""));
        }
        return byRun;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

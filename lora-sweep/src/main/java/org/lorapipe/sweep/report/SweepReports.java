package org.lorapipe.sweep.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepRun;

/**
 * The report of a sweep ({@code sweeps/{id}/report/}, docs/CONTRACT.md "Sweeps") from its plan and what
 * is known of its runs. Pure: no Kafka, no storage.
 */
public final class SweepReports {

    /** Runs one report covers, at most (the sweep-service's default {@code lora.sweep.max-runs}). */
    public static final int MAX_RUNS = 256;

    public static final String JSON = "report.json";

    private SweepReports() {}

    /** The report folder's files, name to bytes (report.json alone, for now: its figures come next). */
    public static Map<String, byte[]> render(SweepPlan plan, List<RunResult> results, Instant writtenAt) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("sweepId", plan.sweepId());
        root.put("title", plan.title());
        root.put("writtenAt", writtenAt.toString());
        ArrayNode runs = root.putArray("runs");
        for (RunResult r : results) {
            ObjectNode run = runs.addObject();
            run.put("n", r.run().n());
            run.put("requestId", r.run().requestId());
            run.put("setting", plan.setting(r.run().setting()).label());
            run.put("seed", r.run().seed());
            run.put("state", r.end() == null ? "queued" : r.end().outcome());
            if (r.training() != null) {
                run.set("metrics", Json.mapper().valueToTree(r.training().metrics()));
            }
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(JSON, (Json.writePretty(root) + "\n").getBytes(StandardCharsets.UTF_8));
        return files;
    }

    /** The figures alone, as report.json holds them (without the list of files). */
    public static SweepReport report(SweepPlan plan, List<RunResult> results, Instant writtenAt) {
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

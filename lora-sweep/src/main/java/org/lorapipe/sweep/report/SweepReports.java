package org.lorapipe.sweep.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.sweep.SweepPlan;

/** A sweep's report folder. */
public final class SweepReports {
    public static final String JSON = "report.json";

    private SweepReports() {}

    /** The report folder's files, name to bytes. */
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
}

package org.lorapipe.sweep.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the sweep needs from one run's evaluation report ({@code runs/{id}/eval/report.json},
 * lora-eval's {@code ReportWriter}): {@code tasks[]} with {@code key}, {@code tuned} and {@code base}
 * {metric: value}, and {@code comparisons[]} {@code metric}, {@code stderr} (of the paired per-item
 * difference), {@code higherIsBetter}. A metric {@code x_stderr} beside a metric {@code x} is the
 * standard error of {@code x}, not a metric of its own. Values that are not finite numbers (the writer
 * spells NaN as the string "NaN") are left out; a report of another shape yields what can be read.
 */
final class EvaluationFile {

    private static final String STDERR_SUFFIX = "_stderr";

    private EvaluationFile() {}

    static List<RunMetric> read(JsonNode report) {
        List<RunMetric> out = new ArrayList<>();
        if (report == null) {
            return out;
        }
        for (JsonNode task : report.path("tasks")) {
            String key = task.path("key").asText(null);
            if (key == null) {
                continue;
            }
            Map<String, JsonNode> comparisons = new LinkedHashMap<>();
            for (JsonNode c : task.path("comparisons")) {
                if (c.path("metric").isTextual()) {
                    comparisons.putIfAbsent(c.path("metric").textValue(), c);
                }
            }
            JsonNode tuned = task.path("tuned");
            JsonNode base = task.path("base");
            for (String metric : metricNames(tuned, base)) {
                JsonNode c = comparisons.get(metric);
                Boolean higherIsBetter = c != null && c.path("higherIsBetter").isBoolean()
                        ? c.path("higherIsBetter").booleanValue()
                        : null;
                out.add(new RunMetric(
                        key,
                        metric,
                        number(tuned.path(metric)),
                        number(base.path(metric)),
                        c == null ? null : number(c.path("stderr")),
                        higherIsBetter));
            }
        }
        return out;
    }

    /** The metrics of a task in the order the report lists them, standard errors left out. */
    private static List<String> metricNames(JsonNode tuned, JsonNode base) {
        List<String> names = new ArrayList<>();
        for (JsonNode variant : List.of(tuned, base)) {
            for (Iterator<String> it = variant.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
        }
        names.removeIf(
                n -> n.endsWith(STDERR_SUFFIX) && names.contains(n.substring(0, n.length() - STDERR_SUFFIX.length())));
        return names;
    }

    private static Double number(JsonNode node) {
        return node.isNumber() && Double.isFinite(node.doubleValue()) ? node.doubleValue() : null;
    }
}

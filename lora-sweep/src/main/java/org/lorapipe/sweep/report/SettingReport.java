package org.lorapipe.sweep.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One setting of the sweep (a row of the report): what it sets, how many of its seeds trained, and
 * every figure as mean and standard deviation over those seeds.
 *
 * @param evaluation one entry per metric of the sweep ({@link SweepReport#metrics()}), in that order
 */
public record SettingReport(
        int index,
        String label,
        Map<String, JsonNode> overrides,
        SeedCounts seeds,
        TrainingSummary training,
        List<MetricResult> evaluation) {

    public SettingReport {
        overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
        evaluation = List.copyOf(evaluation);
    }
}

package org.lorapipe.contract.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * What a sweep request expands to: its settings, seeds and runs. Written as {@code sweeps/{id}/plan.json}
 * before the runs are published, it is the same for the same request, so a redelivered request writes
 * the same plan; it is how the sweep-service knows which runs belong to the sweep.
 *
 * @param title a name for the report; the sweep id when none was given
 * @param axes every request path some setting overrides, in order of first appearance
 * @param runs settings in order, each with every seed in order
 * @param request the sweep request as it was received: another request under the same id is a conflict
 */
public record SweepPlan(
        String sweepId,
        String title,
        List<String> axes,
        List<SweepSetting> settings,
        List<Long> seeds,
        List<SweepRun> runs,
        JsonNode request) {
    /** The plan's file in {@code sweeps/{id}/}. */
    public static final String FILE = "plan.json";

    public SweepPlan {
        axes = List.copyOf(axes);
        settings = List.copyOf(settings);
        seeds = List.copyOf(seeds);
        runs = List.copyOf(runs);
    }

    /** Run {@code n}, if the plan has it. */
    public Optional<SweepRun> run(int n) {
        return n >= 1 && n <= runs.size() ? Optional.of(runs.get(n - 1)) : Optional.empty();
    }

    /** The setting with 1-based {@code index}. */
    public SweepSetting setting(int index) {
        return settings.get(index - 1);
    }

    /** Whether {@code requestId} is one of this sweep's runs. */
    public boolean hasRun(String requestId) {
        return SweepIds.parse(requestId)
                .filter(r -> r.sweepId().equals(sweepId))
                .flatMap(r -> run(r.n()))
                .map(r -> r.requestId().equals(requestId))
                .orElse(false);
    }
}

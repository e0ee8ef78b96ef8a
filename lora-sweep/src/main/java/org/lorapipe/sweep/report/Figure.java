package org.lorapipe.sweep.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A quality figure the charts draw against the swept settings: the two losses and every evaluation
 * metric the runs compare with the base model (the ones with a direction), each with its per-setting
 * summary and its per-run values.
 */
record Figure(
        String title,
        boolean higherIsBetter,
        Function<SettingReport, Summary> summary,
        Function<RunReport, Double> value) {

    /** The figures of a report that have at least one value, in the report's order. */
    static List<Figure> of(SweepReport report) {
        List<Figure> all = new ArrayList<>();
        all.add(new Figure("train loss", false, s -> s.training().trainLoss(), RunReport::trainLoss));
        all.add(new Figure("validation loss", false, s -> s.training().validationLoss(), RunReport::validationLoss));
        for (int m = 0; m < report.metrics().size(); m++) {
            MetricName name = report.metrics().get(m);
            if (!name.compared()) {
                continue;
            }
            int at = m;
            String title = name.task().equals(name.metric()) ? name.metric() : name.task() + " · " + name.metric();
            all.add(new Figure(
                    title, name.higherIsBetter(), s -> s.evaluation().get(at).tuned(), r -> r.value(name)));
        }
        return all.stream()
                .filter(f -> report.settings().stream()
                        .anyMatch(s -> f.summary().apply(s).known()))
                .toList();
    }

    /** The title with its direction, e.g. "train loss ↓". */
    String heading() {
        return title + (higherIsBetter ? " ↑" : " ↓");
    }
}

package org.lorapipe.eval.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import org.lorapipe.evaluation.domain.EvaluationReport;
import org.lorapipe.evaluation.domain.TaskReport;

/**
 * Evaluation throughput, for {@code /q/metrics}: {@code lora_eval_items_total} (items, examples or
 * prompts scored, base and tuned model each counted) and {@code lora_eval_duration_seconds} (the
 * scoring time of each evaluation, downloads excluded). Items per second while evaluating is
 * {@code rate(lora_eval_items_total[5m]) / rate(lora_eval_duration_seconds_sum[5m])}.
 */
@ApplicationScoped
public class EvalMetrics {
    public static final String ITEMS = "lora.eval.items";
    public static final String DURATION = "lora.eval.duration";

    private final Counter items;
    private final Timer duration;

    public EvalMetrics(MeterRegistry meters) {
        items = Counter.builder(ITEMS)
                .description("Items scored by evaluations, base and tuned model each counted")
                .register(meters);
        duration = Timer.builder(DURATION)
                .description("Scoring time of one evaluation (both models, every task)")
                .register(meters);
    }

    /** An evaluation scored {@link #items(EvaluationReport)} items in {@code took}. */
    public void evaluated(EvaluationReport report, Duration took) {
        items.increment(items(report));
        duration.record(took);
    }

    /** The items of every task's per-item results, both variants. */
    public static long items(EvaluationReport report) {
        long n = 0;
        for (TaskReport task : report.tasks()) {
            n += size(task.baseDetails()) + size(task.tunedDetails());
        }
        return n;
    }

    private static long size(Object details) {
        return details instanceof Collection<?> c ? c.size() : 0;
    }
}

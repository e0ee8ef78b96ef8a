package org.lorapipe.contract.request;

import java.util.List;

/** The benchmarks run after training; by default the held-out perplexity. */
public record EvaluationSpec(List<EvalTask> tasks) {
    public EvaluationSpec {
        tasks = List.copyOf(tasks);
    }
}

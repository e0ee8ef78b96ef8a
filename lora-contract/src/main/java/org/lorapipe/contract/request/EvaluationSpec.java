package org.lorapipe.contract.request;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The benchmarks run after training; by default the held-out perplexity. */
public record EvaluationSpec(List<EvalTask> tasks) {
    public EvaluationSpec {
        tasks = List.copyOf(tasks);
    }

    /**
     * The key of each task's results, in task order: its label, else its name, numbered from the second
     * task of the same name on ({@code generation}, {@code generation_2}).
     */
    public List<String> keys() {
        Map<String, Integer> seen = new HashMap<>();
        List<String> keys = new ArrayList<>();
        for (EvalTask task : tasks) {
            if (task.label() != null) {
                keys.add(task.label());
                continue;
            }
            String name = task.name().wire();
            int count = seen.merge(name, 1, Integer::sum);
            keys.add(count == 1 ? name : name + "_" + count);
        }
        return keys;
    }
}

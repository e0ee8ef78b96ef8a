package org.lorapipe.cli;

import java.nio.file.Path;
import java.util.List;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.tuning.peft.PeftAdapter;

/**
 * "Base + adapter" for the CLI: the one place that turns a base model and a PEFT adapter directory
 * into the model to run. An adapter that does not fit the base is refused with every mismatching
 * tensor named.
 */
final class AdapterSupport {

    private AdapterSupport() {}

    /**
     * The model with the adapter in {@code adapterDir} applied to {@code base} (wrapping its linears),
     * or {@code base} itself when there is no adapter.
     */
    static LlamaModel apply(LlamaModel base, Path adapterDir) {
        if (adapterDir == null) {
            return base;
        }
        PeftAdapter adapter;
        try {
            adapter = PeftAdapter.load(adapterDir);
        } catch (RuntimeException e) {
            throw new UsageProblem("cannot read the adapter in " + adapterDir + ": " + e.getMessage());
        }
        List<String> problems = adapter.problems(base);
        if (!problems.isEmpty()) {
            throw new UsageProblem("the adapter does not fit this model: " + String.join("; ", problems));
        }
        adapter.applyTo(base);
        return base;
    }
}

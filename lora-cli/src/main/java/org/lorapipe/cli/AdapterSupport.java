package org.lorapipe.cli;

import java.nio.file.Path;
import org.lorapipe.model.LlamaModel;

/**
 * "Base + adapter" for the CLI: the one place that turns a base model and a PEFT adapter directory
 * into the model to run. This build has no adapter loader yet, so asking for one fails with a clear
 * message before any model is loaded.
 */
final class AdapterSupport {

    private AdapterSupport() {}

    /** Fails unless adapters can be applied; call before loading anything. */
    static void requireSupported(String adapter) {
        if (adapter != null) {
            throw new UsageProblem("adapters are not supported by this build yet (--adapter " + adapter
                    + "): run without --adapter, or use a build whose lora-tuning module loads PEFT adapters");
        }
    }

    /**
     * The model with the adapter in {@code adapterDir} applied to {@code base} (wrapping its linears),
     * or {@code base} itself when there is no adapter.
     */
    static LlamaModel apply(LlamaModel base, Path adapterDir) {
        if (adapterDir == null) {
            return base;
        }
        // TODO(lora-tuning): return org.lorapipe.tuning.PeftAdapter.load(adapterDir).applyTo(base) once the PEFT
        // adapter loader exists (it validates adapter_config.json against the model and wraps base.linears()).
        throw new UsageProblem("adapters are not supported by this build yet (" + adapterDir + ")");
    }
}

package org.lorapipe.eval.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** How the eval-service scores ({@code lora.eval.*}). */
@ConfigMapping(prefix = "lora.eval")
public interface EvalConfig {
    /** Sequences per forward pass when scoring. */
    @WithDefault("16")
    int batchSize();

    /** PyTorch intra-op threads; 1 is fastest for small models on a loaded 2-core machine. */
    @WithDefault("1")
    int torchThreads();

    /** Deprecated spelling of {@code lora.limits.eval-file-bytes}, still read as its default. */
    Optional<Long> maxFileBytes();

    /** Where models and benchmark files are staged; default: the system temporary folder. */
    Optional<String> workDir();
}

package org.lorapipe.merge.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Limits, checks and local space of the merge stage ({@code lora.merge.*}). */
@ConfigMapping(prefix = "lora.merge")
public interface MergeConfig {
    /** Deprecated spelling of {@code lora.limits.model-bytes}, still read as its default. */
    Optional<Long> maxModelBytes();

    /** How many held-out sequences the merged model is checked on. */
    @WithDefault("4")
    int verificationSequences();

    /** Each verification sequence is cut to this many tokens (and to the model's context length). */
    @WithDefault("64")
    int verificationTokens();

    /**
     * Largest |logit| difference a float32 merge may show against base + adapter. A float32 merge differs
     * by rounding only (around 1e-6): above this something is wrong, and nothing is published.
     */
    @WithDefault("1e-3")
    double maxFloat32LogitDiff();

    /** Where the base, the adapter and the merged model are staged; default: the system temporary folder. */
    Optional<String> workDir();
}

package org.lorapipe.sweepservice.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code lora.sweep.*}: what one sweep may ask for and read. */
@ConfigMapping(prefix = "lora.sweep")
public interface SweepConfig {
    /** Most runs one sweep may have (settings x seeds). */
    @WithDefault("256")
    int maxRuns();

    /**
     * Largest file of a run the report reads ({@code training.json}, the evaluation's {@code report.json});
     * a larger one counts as missing.
     */
    @WithDefault("16777216")
    long maxRunFileBytes();
}

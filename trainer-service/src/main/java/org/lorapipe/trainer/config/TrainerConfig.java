package org.lorapipe.trainer.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** How the trainer runs its jobs ({@code lora.trainer.*}). */
@ConfigMapping(prefix = "lora.trainer")
public interface TrainerConfig {
    /** Least time between two {@code lora.training.progress} events of a run, in milliseconds. */
    @WithDefault("2000")
    long progressIntervalMs();

    /** Checkpoints kept per run (older ones are deleted as new ones are published). */
    @WithDefault("2")
    int checkpointsKept();

    /** PyTorch intra-op threads; 1 is fastest for small models on a loaded 2-core machine. */
    @WithDefault("1")
    int torchThreads();

    /** Where models, data and checkpoints are staged; default: the system temporary folder. */
    Optional<String> workDir();

    /**
     * The most memory one run may take at its peak, as estimated when the job is taken in ({@code 6G},
     * {@code 512M}): a run estimated above it is refused with the settings that would make it fit, before
     * its model is downloaded. Default: the container's memory limit (its cgroup's), else the machine's
     * physical memory.
     */
    Optional<MemorySize> memoryBudget();

    /** Whether runs are checked against {@link #memoryBudget()} at intake (false: every run is tried). */
    @WithDefault("true")
    boolean memoryCheck();
}

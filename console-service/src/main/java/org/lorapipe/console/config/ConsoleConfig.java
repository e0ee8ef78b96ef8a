package org.lorapipe.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The console's settings ({@code lora.console.*}). */
@ConfigMapping(prefix = "lora.console")
public interface ConsoleConfig {
    /** Runs kept in memory; beyond it the run first seen longest ago is forgotten (it stays in Kafka). */
    @WithDefault("2000")
    int maxRuns();

    /** Sweeps kept in memory, forgotten the same way. */
    @WithDefault("200")
    int maxSweeps();

    /** Points of a run's loss curve kept; beyond it every second point is dropped (the curve keeps its shape). */
    @WithDefault("600")
    int maxLossPoints();

    /** The largest object a download link streams (a merged model's shard can be large; 4 GiB by default). */
    @WithDefault("4294967296")
    long maxDownloadBytes();

    /** How long a download link works. */
    @WithDefault("PT30M")
    Duration linkTtl();

    /**
     * The key download links are signed with (HMAC-SHA256). Unset: a random key per process, so a link
     * works on the replica that made it; set one secret for every replica behind one address.
     */
    Optional<String> linkSecret();
}

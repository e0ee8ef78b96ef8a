package org.lorapipe.dataset.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Limits and local space of the dataset stage ({@code lora.dataset.*}). */
@ConfigMapping(prefix = "lora.dataset")
public interface DatasetConfig {
    /** Largest dataset object accepted, in bytes; bigger ones are refused before reading. */
    @WithDefault("4294967296")
    long maxBytes();

    /**
     * Longest JSONL line read as a record, in characters; a longer one is dropped as malformed without
     * being held in memory.
     */
    @WithDefault("1048576")
    int maxRecordChars();

    /** Where shards are written before upload; default: the system temporary folder. */
    Optional<String> workDir();
}

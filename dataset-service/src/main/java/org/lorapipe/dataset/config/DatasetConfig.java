package org.lorapipe.dataset.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Local space of the dataset stage ({@code lora.dataset.*}); its limits are in {@code lora.limits.*}. */
@ConfigMapping(prefix = "lora.dataset")
public interface DatasetConfig {
    /** Deprecated spelling of {@code lora.limits.dataset-bytes}, still read as its default. */
    Optional<Long> maxBytes();

    /** Deprecated spelling of {@code lora.limits.record-chars}, still read as its default. */
    Optional<Integer> maxRecordChars();

    /** Where shards are written before upload; default: the system temporary folder. */
    Optional<String> workDir();
}

package org.lorapipe.service.tracing;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code lora.tracing.*}: where finished spans go besides (or without) an OTLP collector. Traces are off
 * unless this file or an OTLP endpoint is set ({@link TracingSwitch}).
 */
@ConfigMapping(prefix = "lora.tracing")
public interface TracingConfig {
    /**
     * Appends every finished span as one JSON line to this file ({@code LORA_TRACING_FILE}), for a look at
     * a run's trace without a collector and for the end-to-end test. While it is set, spans go to the file
     * instead of to OTLP.
     */
    Optional<Path> file();
}

package org.lorapipe.service.config;

import io.smallrye.config.ConfigMapping;

/** Who this service is, for failure events, CloudEvents headers and its job view. */
@ConfigMapping(prefix = "lora.service")
public interface ServiceConfig {
    /** The stage this service runs: dataset, training, evaluation or merge. */
    String stage();

    /** The service's name, e.g. {@code dataset-service}; becomes {@code ce_source}. */
    String name();
}

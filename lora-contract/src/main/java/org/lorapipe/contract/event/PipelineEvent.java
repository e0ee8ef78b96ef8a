package org.lorapipe.contract.event;

import java.time.Instant;
import org.lorapipe.contract.request.TrainingRequest;

/**
 * What every event after the request carries: {@code schemaVersion} (1), the {@code requestId} (also the
 * Kafka key), when it happened, and the original request, so each service is stateless.
 */
public interface PipelineEvent {
    /** The version of the contract this build writes. */
    int SCHEMA_VERSION = 1;

    int schemaVersion();

    String requestId();

    Instant occurredAt();

    /** The request that started the run; null only on a failure of a request that could not be parsed. */
    TrainingRequest request();
}

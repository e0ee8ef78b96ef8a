package org.lorapipe.service.consumer;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * {@code /q/health/live}: DOWN when the replica should be restarted (its consumer loop died, or a job
 * ran out of memory and the JVM cannot be trusted any more).
 */
@Liveness
@ApplicationScoped
public class StageLiveness implements HealthCheck {
    private final StageConsumers consumers;

    public StageLiveness(StageConsumers consumers) {
        this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
        String problem = consumers.unhealthy();
        var response = HealthCheckResponse.named("stage consumer");
        return problem == null
                ? response.up().build()
                : response.down().withData("problem", problem).build();
    }
}

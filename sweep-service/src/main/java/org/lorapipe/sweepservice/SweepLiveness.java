package org.lorapipe.sweepservice;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** {@code /q/health/live}: DOWN when one of the sweep-service's consumer loops died. */
@Liveness
@ApplicationScoped
public class SweepLiveness implements HealthCheck {
    private final SweepLoops loops;

    public SweepLiveness(SweepLoops loops) {
        this.loops = loops;
    }

    @Override
    public HealthCheckResponse call() {
        String problem = loops.unhealthy();
        var response = HealthCheckResponse.named("sweep consumers");
        return problem == null
                ? response.up().build()
                : response.down().withData("problem", problem).build();
    }
}

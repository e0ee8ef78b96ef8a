package org.lorapipe.service.storage;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.lorapipe.storage.ObjectStore;

/** Ready only when the pipeline's bucket answers: every stage reads or writes it. */
@Readiness
@ApplicationScoped
public class StorageHealthCheck implements HealthCheck {
    private final ObjectStore store;

    public StorageHealthCheck(ObjectStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("object storage")
                .withData("bucket", store.config().bucket());
        try {
            store.list(store.config().bucketRoot(), false);
            return response.up().build();
        } catch (RuntimeException e) {
            return response.down()
                    .withData("error", String.valueOf(e.getMessage()))
                    .build();
        }
    }
}

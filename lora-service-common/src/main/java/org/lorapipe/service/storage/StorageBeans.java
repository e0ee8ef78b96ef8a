package org.lorapipe.service.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.jboss.logging.Logger;
import org.lorapipe.service.config.StorageSettings;
import org.lorapipe.service.metrics.StorageMetrics;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.RetryPolicy;
import org.lorapipe.storage.S3Credentials;
import org.lorapipe.storage.StorageConfig;

/**
 * One {@link ObjectStore} per service, its traffic and retries counted ({@link StorageMetrics}), closed (with its HTTP client) at shutdown. Made at start-up, so a
 * service without S3 credentials stops at once with a message that says what to set.
 */
public class StorageBeans {
    private static final Logger LOG = Logger.getLogger(StorageBeans.class);

    @Produces
    @Singleton
    @Startup
    ObjectStore objectStore(StorageSettings s, MeterRegistry meters) {
        S3Credentials credentials = S3Credentials.resolve(
                s.accessKey(), s.secretKey(), System.getenv(), Path.of(System.getProperty("user.home")));
        StorageConfig config = new StorageConfig(s.endpoint(), credentials, s.bucket(), s.region());
        LOG.infof("object store %s", config);
        return new ObjectStore(config, RetryPolicy.DEFAULT, new StorageMetrics(meters));
    }

    void close(@Disposes ObjectStore store) {
        store.close();
    }
}

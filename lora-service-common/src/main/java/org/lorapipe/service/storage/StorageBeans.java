package org.lorapipe.service.storage;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.lorapipe.service.config.StorageSettings;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.StorageConfig;

/** One {@link ObjectStore} per service, closed (with its HTTP client) at shutdown. */
public class StorageBeans {
    @Produces
    @Singleton
    ObjectStore objectStore(StorageSettings s) {
        return new ObjectStore(new StorageConfig(s.endpoint(), s.accessKey(), s.secretKey(), s.bucket(), s.region()));
    }

    void close(@Disposes ObjectStore store) {
        store.close();
    }
}

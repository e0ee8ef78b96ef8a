package org.lorapipe.service.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;

/**
 * Who owns a run: the principal that submitted it over the HTTP API, recorded by the dataset stage at
 * {@code runs/{id}/owner.json} when it first accepts the id (see the dataset service's
 * {@code RequestOwnership}). Every stage's job view asks here; an owner, once recorded, never changes, so
 * what was read is remembered (a bounded number of runs).
 */
@ApplicationScoped
public class RunOwners {
    /** The stored record; {@code principal} is null for a run sent straight to Kafka. */
    public record Owner(String requestId, String principal) {}

    private static final int REMEMBERED = 10_000;

    private final ObjectStore store;
    private final Map<String, Owner> known = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Owner> eldest) {
            return size() > REMEMBERED;
        }
    });

    public RunOwners(ObjectStore store) {
        this.store = store;
    }

    /** Writes the owner record of {@code requestId} (the dataset stage, before it records the request). */
    public void record(String requestId, String principal) {
        store.putString(uri(requestId), Json.write(new Owner(requestId, principal)));
        known.remove(requestId);
    }

    /** The recorded owner; empty when the id names no recorded run (or one recorded before owners were). */
    public Optional<Owner> of(String requestId) {
        if (!RequestParser.REQUEST_ID.matcher(requestId).matches()) {
            return Optional.empty(); // never a storage key
        }
        Owner cached = known.get(requestId);
        if (cached != null) {
            return Optional.of(cached);
        }
        S3Uri uri = uri(requestId);
        if (!store.exists(uri)) {
            return Optional.empty();
        }
        Owner owner = Json.read(store.getString(uri), Owner.class);
        known.put(requestId, owner);
        return Optional.of(owner);
    }

    /** The principal of the run, null when it has none or is unknown. */
    public String principalOf(String requestId) {
        return of(requestId).map(Owner::principal).orElse(null);
    }

    private S3Uri uri(String requestId) {
        return store.config().bucketRoot().resolve(BucketLayout.owner(requestId));
    }
}

package org.lorapipe.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.service.jobs.RunOwners;
import org.lorapipe.service.jobs.StageFailure;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;

/**
 * A requestId names one run. The first time the dataset stage accepts an id it records the request (as
 * parsed, with every default filled in) at {@code runs/{id}/request.json}; a later request with that id
 * must be the same request, and is then answered from what the run published, or it fails with
 * {@code CONFLICT} naming the fields that differ: nothing of the first run is reused or overwritten.
 * The principal that sent it over the HTTP API is recorded beside it as the run's owner
 * ({@code runs/{id}/owner.json}, {@link RunOwners}); the same id from another principal (or from none) is a
 * {@code CONFLICT} too, and its message names neither the owner nor how the requests differ.
 *
 * <p>No lock is needed: every record of one requestId has the same key, so they sit in one partition and
 * are handled one after another by the one replica that owns it.
 */
@ApplicationScoped
public class RequestOwnership {
    private static final Logger LOG = Logger.getLogger(RequestOwnership.class);
    private static final int MAX_LISTED = 10;

    private final ObjectStore store;
    private final RunOwners owners;

    public RequestOwnership(ObjectStore store, RunOwners owners) {
        this.store = store;
        this.owners = owners;
    }

    /**
     * Records {@code request} as its id's, sent by {@code principal} (null: sent straight to Kafka, or with
     * authentication off), or checks both against the ones recorded.
     */
    public void claim(TrainingRequest request, String principal) {
        String id = request.requestId();
        S3Uri recorded = store.config().bucketRoot().resolve(BucketLayout.request(id));
        String canonical = Json.write(request);
        if (!store.exists(recorded)) {
            // the owner first: a run whose request is recorded always has its owner (a crash in between
            // leaves only an owner, which the next attempt overwrites)
            owners.record(id, principal);
            store.putString(recorded, canonical);
            return;
        }
        String owner = owners.principalOf(id); // null too for a run recorded before owners were
        if (!Objects.equals(owner, principal)) {
            LOG.infof("%s: refused, the id names a run submitted by another principal", id);
            throw new StageFailure(
                    ErrorCodes.CONFLICT,
                    "requestId '" + id + "' already names a run submitted by "
                            + (owner == null ? "no authenticated principal" : "another principal")
                            + ". Nothing of that run was reused or changed: send this request with a new requestId",
                    false);
        }
        JsonNode first = Json.mapper().valueToTree(Json.read(store.getString(recorded), TrainingRequest.class));
        JsonNode now = Json.mapper().valueToTree(request);
        List<String> differ = new ArrayList<>();
        diff(first, now, "", differ);
        if (!differ.isEmpty()) {
            LOG.infof("%s: refused, the id names a run with another request (%s)", id, differ);
            throw new StageFailure(
                    ErrorCodes.CONFLICT,
                    "requestId '" + id + "' already names a run with a different request (recorded at "
                            + recorded + "); it differs in " + String.join(", ", differ)
                            + ". Nothing of that run was reused or changed: send this request with a new requestId",
                    false);
        }
    }

    /** The JSON paths where {@code a} and {@code b} differ, at most {@link #MAX_LISTED}. */
    private static void diff(JsonNode a, JsonNode b, String path, List<String> out) {
        if (out.size() >= MAX_LISTED || a.equals(b)) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new TreeSet<>();
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            for (String name : names) {
                diff(a.path(name), b.path(name), path.isEmpty() ? name : path + "." + name, out);
            }
            return;
        }
        out.add(path.isEmpty() ? "the whole request" : path);
    }
}

package org.lorapipe.service.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.service.config.ServiceConfig;
import org.lorapipe.storage.ObjectInfo;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;

/**
 * The durable record of accepted work: {@code jobs/{stage}/{requestId}.json} in the bucket holds the
 * input event from the moment a stage accepts it until the outcome is published. A stage acknowledges
 * its Kafka record only after this write, and on start-up re-runs whatever the journal still holds, so
 * a crash between acknowledging and finishing loses nothing.
 */
@ApplicationScoped
public class JobJournal {
    private static final Logger LOG = Logger.getLogger(JobJournal.class);

    private final ObjectStore store;
    private final String stage;

    public JobJournal(ObjectStore store, ServiceConfig config) {
        this.store = store;
        this.stage = config.stage();
    }

    private S3Uri folder() {
        return store.config().bucketRoot().resolve(BucketLayout.jobs(stage));
    }

    private S3Uri entry(String requestId) {
        return folder().resolve(requestId + ".json");
    }

    /** Durably records an accepted input. */
    public void record(String requestId, String inputJson) {
        store.putString(entry(requestId), inputJson);
    }

    /** Whether {@code requestId} is accepted and not finished, by this or any instance of the stage. */
    public boolean holds(String requestId) {
        return store.exists(entry(requestId));
    }

    /** Forgets a job whose outcome (success or failure event) has been published. */
    public void finish(String requestId) {
        try {
            store.delete(entry(requestId));
        } catch (RuntimeException e) {
            LOG.warnf(
                    "could not clear the journal entry of %s: %s (it will be re-run and reuse its output)",
                    requestId, e.getMessage());
        }
    }

    /** The inputs of jobs accepted but not finished, e.g. before a crash. */
    public List<String> pending() {
        List<String> inputs = new ArrayList<>();
        for (ObjectInfo info : store.list(folder(), true)) {
            if (info.uri().key().endsWith(".json")) {
                inputs.add(store.getString(info.uri()));
            }
        }
        return inputs;
    }
}

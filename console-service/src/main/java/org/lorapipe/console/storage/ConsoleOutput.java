package org.lorapipe.console.storage;

import jakarta.enterprise.context.ApplicationScoped;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.service.jobs.StageOutput;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;

/**
 * For {@code GET /api/jobs/{id}}, which every service answers: the console does no job of its own, so a
 * run counts as done for it when the pipeline's last result, the merged model, is published.
 */
@ApplicationScoped
public class ConsoleOutput implements StageOutput {
    private final ObjectStore store;

    public ConsoleOutput(ObjectStore store) {
        this.store = store;
    }

    @Override
    public S3Uri outputFolder(String requestId) {
        return store.uri(BucketLayout.merged(requestId));
    }
}

package org.lorapipe.sweepservice;

import jakarta.enterprise.context.ApplicationScoped;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.service.jobs.StageOutput;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;

/** A sweep's published result, for the job view: its report folder. */
@ApplicationScoped
public class SweepOutput implements StageOutput {
    private final ObjectStore store;

    public SweepOutput(ObjectStore store) {
        this.store = store;
    }

    @Override
    public S3Uri outputFolder(String sweepId) {
        return store.uri(BucketLayout.sweepReport(sweepId));
    }
}

package org.lorapipe.service.jobs;

import org.lorapipe.storage.S3Uri;

/**
 * Where a stage publishes a request's result (atomically, manifest last). Each service has one bean
 * implementing it; the job view falls back to it for requests this instance has not seen.
 */
public interface StageOutput {

    /** The result folder of {@code requestId}, e.g. {@code s3://lora/runs/{id}/adapter/}. */
    S3Uri outputFolder(String requestId);
}

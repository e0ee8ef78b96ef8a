package org.lorapipe.dataset.domain;

import org.lorapipe.service.jobs.StageFailure;

/**
 * The dataset cannot be prepared as requested. {@code code} is a {@code PipelineFailed.error.code}; the
 * message names the record or the problem and says how to fix it. Sending the same input again does not
 * help.
 */
public final class DatasetException extends StageFailure {
    public DatasetException(String code, String message) {
        super(code, message, false);
    }
}

package org.lorapipe.trainer.domain;

import org.lorapipe.service.jobs.StageFailure;

/** A training job that cannot go on; the message says what to change. */
public final class TrainingFailure extends StageFailure {
    public TrainingFailure(String code, String message, boolean retriable) {
        super(code, message, retriable);
    }
}

package org.lorapipe.trainer.domain;

import java.util.List;
import org.lorapipe.service.jobs.StageFailure;

/** A training job that cannot go on; the message says what to change. */
public final class TrainingFailure extends StageFailure {
    public TrainingFailure(String code, String message, boolean retriable) {
        super(code, message, retriable);
    }

    /** A failure with separate problems ({@code PipelineFailed.problems}). */
    public TrainingFailure(String code, String message, boolean retriable, List<String> problems) {
        super(code, message, retriable, problems);
    }
}

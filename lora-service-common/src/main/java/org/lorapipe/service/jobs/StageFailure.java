package org.lorapipe.service.jobs;

/**
 * A stage's job cannot be done: {@code code} is a {@code PipelineFailed.error.code} and the message says
 * what to change; {@code retriable} tells whether the same input may succeed later.
 */
public class StageFailure extends RuntimeException {
    private final String code;
    private final boolean retriable;

    public StageFailure(String code, String message, boolean retriable) {
        super(message);
        this.code = code;
        this.retriable = retriable;
    }

    public String code() {
        return code;
    }

    public boolean retriable() {
        return retriable;
    }
}

package org.lorapipe.service.jobs;

import java.util.List;

/**
 * A stage's job cannot be done: {@code code} is a {@code PipelineFailed.error.code} and the message says
 * what to change; {@code retriable} tells whether the same input may succeed later; {@code problems},
 * when there are several things to say (the message has them too), become {@code PipelineFailed.problems}.
 */
public class StageFailure extends RuntimeException {
    private final String code;
    private final boolean retriable;
    private final List<String> problems;

    public StageFailure(String code, String message, boolean retriable) {
        this(code, message, retriable, List.of());
    }

    public StageFailure(String code, String message, boolean retriable, List<String> problems) {
        super(message);
        this.code = code;
        this.retriable = retriable;
        this.problems = List.copyOf(problems);
    }

    /** The separate problems of the failure; empty when the message is the whole of it. */
    public List<String> problems() {
        return problems;
    }

    public String code() {
        return code;
    }

    public boolean retriable() {
        return retriable;
    }
}

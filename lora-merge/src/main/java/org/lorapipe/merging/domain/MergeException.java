package org.lorapipe.merging.domain;

import java.util.List;

/**
 * The merge cannot be done with these inputs: the adapter does not fit the base (missing module,
 * shape mismatch, rank disagreeing with adapter_config.json), or a file is missing or truncated. The
 * message lists every problem found and names the tensors, shapes and files involved. Not retriable:
 * the same inputs fail the same way.
 */
public final class MergeException extends RuntimeException {

    private final List<String> problems;

    public MergeException(String context, List<String> problems) {
        super(context + ": " + org.lorapipe.contract.request.Problems.join(problems));
        this.problems = List.copyOf(
                problems.subList(0, Math.min(problems.size(), org.lorapipe.contract.request.Problems.MAX_PROBLEMS)));
    }

    public MergeException(String message) {
        this(message, (Throwable) null);
    }

    public MergeException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    /** Every problem found, one sentence each. */
    public List<String> problems() {
        return problems;
    }
}

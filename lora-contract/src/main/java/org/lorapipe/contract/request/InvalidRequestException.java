package org.lorapipe.contract.request;

import java.util.List;

/**
 * A request that breaks the contract. {@link #getMessage()} lists every problem on its own line;
 * {@link #requestId()} is the id when the request had a usable one, so the failure event can be keyed by it.
 */
public final class InvalidRequestException extends RuntimeException {
    private final String requestId;
    private final List<String> problems;

    public InvalidRequestException(String requestId, List<String> problems) {
        super(format(problems));
        this.requestId = requestId;
        this.problems = List.copyOf(problems);
    }

    /** The request's id, or null when it had none. */
    public String requestId() {
        return requestId;
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        StringBuilder text = new StringBuilder("the request has ")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem:" : " problems:");
        for (String p : problems) {
            text.append("\n - ").append(p);
        }
        return text.toString();
    }
}

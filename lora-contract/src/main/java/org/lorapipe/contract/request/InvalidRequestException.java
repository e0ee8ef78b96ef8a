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
        this(requestId, capped(problems), problems.size());
    }

    /**
     * @param problems the problems to list (at most {@link Problems#MAX_PROBLEMS} and a line counting the
     *     rest, as {@link Problems#list()} gives them)
     * @param total how many problems there were in all
     */
    public InvalidRequestException(String requestId, List<String> problems, int total) {
        super(format(problems, total));
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

    /** The first {@link Problems#MAX_PROBLEMS}, and a line counting the rest: a failure event stays small. */
    private static List<String> capped(List<String> problems) {
        if (problems.size() <= Problems.MAX_PROBLEMS) {
            return problems;
        }
        List<String> out = new java.util.ArrayList<>(problems.subList(0, Problems.MAX_PROBLEMS));
        out.add(Problems.more(problems.size() - Problems.MAX_PROBLEMS));
        return out;
    }

    private static String format(List<String> problems, int total) {
        StringBuilder text =
                new StringBuilder("the request has ").append(total).append(total == 1 ? " problem:" : " problems:");
        for (String p : problems) {
            text.append("\n - ").append(p);
        }
        return text.toString();
    }
}

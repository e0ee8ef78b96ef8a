package org.lorapipe.cli;

/** A problem the user can fix with other arguments or input; exit code 2, no stack trace. */
public final class UsageProblem extends RuntimeException {
    public UsageProblem(String message) {
        super(message);
    }
}

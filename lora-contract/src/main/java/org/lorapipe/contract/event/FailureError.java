package org.lorapipe.contract.event;

/** The cause of a failure: a stable {@code code} (see ErrorCodes) and a message that says how to fix it. */
public record FailureError(String code, String message) {}

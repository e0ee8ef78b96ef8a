package org.lorapipe.contract;

/** Values of {@code PipelineFailed.error.code}. Stable strings: scripts match on them. */
public final class ErrorCodes {
    /** The request (or the request inside an event) breaks the contract; the message lists every problem. */
    public static final String INVALID_REQUEST = "INVALID_REQUEST";
    /** An event parsed as JSON but is not the event this topic carries. */
    public static final String INVALID_EVENT = "INVALID_EVENT";
    /** The record is not JSON at all; its bytes went to {@code lora.dead-letter}. */
    public static final String NOT_JSON = "NOT_JSON";
    /** An input the request points at (dataset, base model, benchmark file) is missing or unreadable. */
    public static final String INPUT_NOT_FOUND = "INPUT_NOT_FOUND";
    /** The input exists but its content cannot be used (wrong layout, no usable record, shape mismatch). */
    public static final String INVALID_INPUT = "INVALID_INPUT";
    /** Training diverged (NaN/inf loss). */
    public static final String DIVERGED = "DIVERGED";
    /**
     * The requestId already names a run with a different request: nothing was reused or overwritten;
     * send the request under a new id.
     */
    public static final String CONFLICT = "CONFLICT";
    /** Object storage or the broker failed; retrying may help. */
    public static final String INFRASTRUCTURE = "INFRASTRUCTURE";
    /** A bug or an unexpected condition inside the stage. */
    public static final String INTERNAL = "INTERNAL";

    private ErrorCodes() {}
}

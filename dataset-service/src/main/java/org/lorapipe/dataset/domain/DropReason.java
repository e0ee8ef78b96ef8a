package org.lorapipe.dataset.domain;

/** Why a record was dropped; the keys of {@code manifest.dropped}. */
public final class DropReason {
    /** A required text (instruction, response, message, document) is empty after normalisation. */
    public static final String EMPTY = "empty";
    /** Not JSON, or not the shape of the requested format. */
    public static final String MALFORMED = "malformed";
    /** Longer than {@code maxSeqLength} tokens after templating (and truncation was not asked for). */
    public static final String TOO_LONG = "tooLong";

    private DropReason() {}
}

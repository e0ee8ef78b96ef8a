package org.lorapipe.console.domain;

/** Where one stage of a run stands, as far as the topics tell. */
public enum StageState {
    /** No event says the stage has started. */
    WAITING,
    /** The stage's input was published; its outcome was not (yet). */
    RUNNING,
    DONE,
    FAILED,
    /** Ended without its result on purpose (a merge gate, {@code merge.enabled: false}). */
    SKIPPED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

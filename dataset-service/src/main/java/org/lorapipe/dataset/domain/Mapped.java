package org.lorapipe.dataset.domain;

/** The outcome of mapping one raw record: an example, or the reason it was dropped and why. */
public record Mapped(Example example, String dropReason, String detail) {
    static Mapped ok(Example e) {
        return new Mapped(e, null, null);
    }

    static Mapped drop(String reason, String detail) {
        return new Mapped(null, reason, detail);
    }

    public boolean dropped() {
        return example == null;
    }
}

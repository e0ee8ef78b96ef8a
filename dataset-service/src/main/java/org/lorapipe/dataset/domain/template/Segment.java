package org.lorapipe.dataset.domain.template;

/**
 * A piece of a templated example: text the model reads ({@code trainable} false: prompt) or learns to
 * write ({@code trainable} true: response), or a special token (BOS before a turn, EOS after each
 * response).
 */
public record Segment(Kind kind, String text, boolean trainable) {
    public enum Kind {
        TEXT,
        BOS,
        EOS
    }

    public static Segment prompt(String text) {
        return new Segment(Kind.TEXT, text, false);
    }

    public static Segment response(String text) {
        return new Segment(Kind.TEXT, text, true);
    }

    public static Segment bos() {
        return new Segment(Kind.BOS, "", false);
    }

    /** The end of a response: trained, so the model learns to stop. */
    public static Segment eos() {
        return new Segment(Kind.EOS, "", true);
    }
}

package org.lorapipe.dataset.domain.template;

/**
 * A chat template could not render a conversation: it refused it with {@code raise_exception(msg)}
 * ({@link #raised()}: the message is the template's own), it is broken, or it went over its bounds.
 */
public final class ChatTemplateException extends RuntimeException {
    private final boolean raised;

    public ChatTemplateException(String message, boolean raised) {
        super(message);
        this.raised = raised;
    }

    /** Whether the template itself refused the conversation with {@code raise_exception}. */
    public boolean raised() {
        return raised;
    }
}

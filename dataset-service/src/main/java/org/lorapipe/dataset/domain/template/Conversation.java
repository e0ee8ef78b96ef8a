package org.lorapipe.dataset.domain.template;

import java.util.ArrayList;
import java.util.List;
import org.lorapipe.dataset.domain.Example;
import org.lorapipe.dataset.domain.Exchange;
import org.lorapipe.dataset.domain.template.ChatTemplate.Message;

/** An {@link Example} as chat messages: the optional system prompt, then a user and an assistant message per exchange. */
final class Conversation {
    private Conversation() {}

    /**
     * The messages of {@code example}.
     *
     * @param inputApart pass an exchange's input as the user message's {@code input} key (the built-in
     *     templates read it); else it joins the instruction in {@code content}, as {@link #userText}
     */
    static List<Message> of(Example example, boolean inputApart) {
        List<Message> messages = new ArrayList<>();
        if (example.system() != null) {
            messages.add(Message.of("system", example.system()));
        }
        for (Exchange turn : example.exchanges()) {
            messages.add(
                    inputApart && turn.hasInput()
                            ? new Message("user", turn.instruction(), turn.input())
                            : Message.of("user", userText(turn)));
            messages.add(Message.of("assistant", turn.response()));
        }
        return messages;
    }

    /** The user's text of an exchange: the instruction, and its input after a blank line. */
    static String userText(Exchange turn) {
        return turn.hasInput() ? turn.instruction() + "\n\n" + turn.input() : turn.instruction();
    }
}

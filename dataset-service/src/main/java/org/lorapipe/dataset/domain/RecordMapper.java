package org.lorapipe.dataset.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.lorapipe.contract.request.DatasetFormat;

/**
 * Reads one raw record in the requested format into a normalised {@link Example}:
 *
 * <ul>
 *   <li>{@code alpaca}: {@code instruction} and {@code output} (strings), optional {@code input}, optional
 *       {@code history} of [user, assistant] pairs (earlier turns) and optional {@code system};
 *   <li>{@code chat}: {@code messages} of {role, content}, an optional leading system message, then user
 *       and assistant turns alternating, ending with an assistant turn;
 *   <li>{@code text}: {@code text}, a document.
 * </ul>
 *
 * A record of another shape is {@code malformed}; one whose required text is blank is {@code empty}.
 */
public final class RecordMapper {
    private final DatasetFormat format;

    public RecordMapper(DatasetFormat format) {
        this.format = format;
    }

    public Mapped map(RawRecord raw) {
        if (raw.parseError() != null) {
            return Mapped.drop(DropReason.MALFORMED, raw.parseError());
        }
        JsonNode node = raw.json();
        if (node == null || !node.isObject()) {
            return Mapped.drop(DropReason.MALFORMED, "record " + raw.index() + " is not a JSON object");
        }
        return switch (format) {
            case ALPACA -> alpaca(raw.index(), node);
            case CHAT -> chat(raw.index(), node);
            case TEXT -> text(raw.index(), node);
        };
    }

    private static Mapped alpaca(long index, JsonNode node) {
        if (!isText(node.get("instruction")) || !isText(node.get("output")) || !optionalText(node.get("input"))) {
            return Mapped.drop(
                    DropReason.MALFORMED,
                    "record " + index + " needs string fields \"instruction\" and"
                            + " \"output\" (and an optional string \"input\") for format alpaca");
        }
        List<Exchange> exchanges = new ArrayList<>();
        JsonNode history = node.get("history");
        if (history != null && !history.isNull()) {
            if (!history.isArray()) {
                return Mapped.drop(
                        DropReason.MALFORMED,
                        "record " + index + ": \"history\" must be a list of" + " [user, assistant] pairs");
            }
            for (JsonNode pair : history) {
                if (!pair.isArray() || pair.size() != 2 || !isText(pair.get(0)) || !isText(pair.get(1))) {
                    return Mapped.drop(
                            DropReason.MALFORMED,
                            "record " + index + ": each \"history\" entry must be"
                                    + " a [user, assistant] pair of strings");
                }
                String user = TextNormalizer.normalize(pair.get(0).textValue());
                String assistant = TextNormalizer.normalize(pair.get(1).textValue());
                if (user.isEmpty() || assistant.isEmpty()) {
                    return Mapped.drop(DropReason.EMPTY, "record " + index + " has an empty history turn");
                }
                exchanges.add(new Exchange(user, "", assistant));
            }
        }
        String instruction = TextNormalizer.normalize(node.get("instruction").textValue());
        String input = node.hasNonNull("input")
                ? TextNormalizer.normalize(node.get("input").textValue())
                : "";
        String output = TextNormalizer.normalize(node.get("output").textValue());
        if (instruction.isEmpty() || output.isEmpty()) {
            return Mapped.drop(
                    DropReason.EMPTY,
                    "record " + index + " has an empty " + (instruction.isEmpty() ? "instruction" : "output"));
        }
        exchanges.add(new Exchange(instruction, input, output));
        String system = node.hasNonNull("system") && isText(node.get("system"))
                ? TextNormalizer.normalize(node.get("system").textValue())
                : null;
        return Mapped.ok(new Example(index, emptyToNull(system), exchanges, null));
    }

    private static Mapped chat(long index, JsonNode node) {
        JsonNode messages = node.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            return Mapped.drop(
                    DropReason.MALFORMED,
                    "record " + index + " needs a non-empty \"messages\" list for" + " format chat");
        }
        String system = null;
        List<Exchange> exchanges = new ArrayList<>();
        String pendingUser = null;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject() || !isText(m.get("role")) || !isText(m.get("content"))) {
                return Mapped.drop(
                        DropReason.MALFORMED,
                        "record " + index + ": message " + i + " needs string" + " \"role\" and \"content\"");
            }
            String role = m.get("role").textValue();
            String content = TextNormalizer.normalize(m.get("content").textValue());
            if (content.isEmpty()) {
                return Mapped.drop(DropReason.EMPTY, "record " + index + ": message " + i + " is empty");
            }
            switch (role) {
                case "system" -> {
                    if (i != 0) {
                        return Mapped.drop(
                                DropReason.MALFORMED,
                                "record " + index + ": a system message may only" + " come first");
                    }
                    system = content;
                }
                case "user" -> {
                    if (pendingUser != null) {
                        return Mapped.drop(
                                DropReason.MALFORMED,
                                "record " + index + ": two user messages in a row" + " at message " + i);
                    }
                    pendingUser = content;
                }
                case "assistant" -> {
                    if (pendingUser == null) {
                        return Mapped.drop(
                                DropReason.MALFORMED,
                                "record " + index + ": assistant message " + i + " does not answer a user message");
                    }
                    exchanges.add(new Exchange(pendingUser, "", content));
                    pendingUser = null;
                }
                default -> {
                    return Mapped.drop(
                            DropReason.MALFORMED,
                            "record " + index + ": unknown role '" + role + "' (use system, user or assistant)");
                }
            }
        }
        if (pendingUser != null || exchanges.isEmpty()) {
            return Mapped.drop(DropReason.MALFORMED, "record " + index + " must end with an assistant message");
        }
        return Mapped.ok(new Example(index, system, exchanges, null));
    }

    private static Mapped text(long index, JsonNode node) {
        if (!isText(node.get("text"))) {
            return Mapped.drop(
                    DropReason.MALFORMED, "record " + index + " needs a string field \"text\" for" + " format text");
        }
        String text = TextNormalizer.normalize(node.get("text").textValue());
        if (text.isEmpty()) {
            return Mapped.drop(DropReason.EMPTY, "record " + index + " has an empty text");
        }
        return Mapped.ok(new Example(index, null, List.of(), text));
    }

    private static boolean isText(JsonNode n) {
        return n != null && n.isTextual();
    }

    private static boolean optionalText(JsonNode n) {
        return n == null || n.isNull() || n.isTextual();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}

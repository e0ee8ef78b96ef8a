package org.lorapipe.contract;

import org.lorapipe.contract.request.RequestParser;

/**
 * The key the answers to an incoming record carry (docs/CONTRACT.md, "Failures and dead letters"). A
 * record key is untrusted: it reaches logs, a failure event, a dead letter and their {@code ce_id}
 * header. A key that is a valid request id is kept; any other is cut to {@value #MAX_CHARS} characters
 * (never half a surrogate pair) with its control characters replaced by {@code ?}.
 */
public final class RecordKeys {
    /** Longest record key repeated in an answer, in characters. */
    public static final int MAX_CHARS = 200;

    private RecordKeys() {}

    /** The key of the answers to a record keyed {@code key} (null stays null). */
    public static String answerKey(String key) {
        if (key == null || RequestParser.REQUEST_ID.matcher(key).matches()) {
            return key;
        }
        int end = Math.min(key.length(), MAX_CHARS);
        if (end < key.length() && Character.isHighSurrogate(key.charAt(end - 1))) {
            end--;
        }
        StringBuilder out = new StringBuilder(end);
        key.substring(0, end).codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}

package org.lorapipe.dataset.domain;

import java.util.List;

/**
 * A curated record, before templating: either a conversation (optional system prompt, then exchanges)
 * or, for the {@code text} format, one raw document.
 *
 * @param index the record's position in the source file
 */
public record Example(long index, String system, List<Exchange> exchanges, String document) {
    public Example {
        exchanges = exchanges == null ? List.of() : List.copyOf(exchanges);
    }

    public boolean isDocument() {
        return document != null;
    }

    /** Every field's text, joined: the identity of the record for deduplication and splitting. */
    public String content() {
        if (isDocument()) {
            return document;
        }
        StringBuilder sb = new StringBuilder(system == null ? "" : system);
        for (Exchange e : exchanges) {
            sb.append('\u0001')
                    .append(e.instruction())
                    .append('\u0002')
                    .append(e.input() == null ? "" : e.input())
                    .append('\u0003')
                    .append(e.response());
        }
        return sb.toString();
    }
}

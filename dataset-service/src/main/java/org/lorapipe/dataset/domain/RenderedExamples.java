package org.lorapipe.dataset.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.event.RenderedExample;
import org.lorapipe.model.tokenizer.TextTokenizer;

/** One tokenized example shown as text with its loss mask, for the dataset manifest. */
final class RenderedExamples {
    private RenderedExamples() {}

    /**
     * The spans of {@code s}: each run of tokens that are all trained or all not, decoded with special
     * tokens written out. A span's text is what decoding up to its end adds to decoding up to its start,
     * so a decoder that strips a leading space strips it only once.
     */
    static RenderedExample of(long record, TokenizedSequence s, TextTokenizer tokenizer) {
        int[] ids = s.ids();
        boolean[] trained = s.trainable();
        List<RenderedExample.Span> spans = new ArrayList<>();
        String before = "";
        int chars = 0;
        boolean cut = false;
        for (int start = 0; start < ids.length && !cut; ) {
            int end = start;
            while (end < ids.length && trained[end] == trained[start]) {
                end++;
            }
            String upTo = tokenizer.decodeWithSpecialTokens(Arrays.copyOf(ids, end));
            String text = upTo.startsWith(before)
                    ? upTo.substring(before.length())
                    : tokenizer.decodeWithSpecialTokens(Arrays.copyOfRange(ids, start, end));
            before = upTo;
            if (chars + text.length() > RenderedExample.MAX_CHARS) {
                text = text.substring(0, RenderedExample.MAX_CHARS - chars);
                cut = true;
            }
            spans.add(new RenderedExample.Span(text, trained[start]));
            chars += text.length();
            start = end;
        }
        int trainedTokens = s.trainableCount();
        return new RenderedExample(record, spans, trainedTokens, ids.length - trainedTokens, cut);
    }
}

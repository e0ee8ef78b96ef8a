package org.lorapipe.contract.event;

import java.util.List;

/**
 * One example of a prepared dataset as the model sees it, with its loss mask: the text of its tokens
 * cut into spans that are trained (the assistant's turns, with the marker that ends each) or not (the
 * prompt), and the token counts. The dataset manifest shows one, so a wrong template or mask is seen
 * before any training.
 *
 * @param record the example's position in the source file
 * @param spans the example's text, in order, as alternating untrained and trained spans (special
 *     tokens written out, e.g. {@code <s>}, {@code <|im_end|>})
 * @param trainedTokens tokens whose next-token loss counts
 * @param untrainedTokens the others
 * @param cut true when the text was cut after {@link #MAX_CHARS} characters for the manifest (the
 *     counts are always the whole example's)
 */
public record RenderedExample(long record, List<Span> spans, int trainedTokens, int untrainedTokens, boolean cut) {
    /** The most characters of text a manifest shows. */
    public static final int MAX_CHARS = 4096;

    public RenderedExample {
        spans = List.copyOf(spans);
    }

    /** A run of text whose tokens are all trained or all not. */
    public record Span(String text, boolean trained) {}
}

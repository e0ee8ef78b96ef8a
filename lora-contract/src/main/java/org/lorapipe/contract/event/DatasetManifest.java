package org.lorapipe.contract.event;

import java.util.Map;

/**
 * What the dataset-service did with the data: the {@code manifest.json} in {@code datasets/{requestId}/},
 * carried by DatasetPrepared too. Every dropped record is counted under its reason.
 *
 * @param endOfTurnToken the token that ends an assistant turn (the tokenizer's EOS, or for a chat
 *     template the one it writes after each answer, e.g. {@code <|im_end|>}), trained in the dataset;
 *     absent in manifests written before it existed
 * @param example the first kept example with its loss mask; absent in manifests written before it
 *     existed
 */
public record DatasetManifest(
        long recordsIn,
        long recordsOut,
        Map<String, Long> dropped,
        long duplicatesExact,
        long duplicatesNear,
        long trainExamples,
        long validationExamples,
        long trainTokens,
        long validationTokens,
        int maxSequenceLength,
        String template,
        String tokenizerSha256,
        String endOfTurnToken,
        RenderedExample example) {}

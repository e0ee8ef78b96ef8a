package org.lorapipe.contract.event;

import java.util.Map;

/**
 * What the dataset-service did with the data: the {@code manifest.json} in {@code datasets/{requestId}/},
 * carried by DatasetPrepared too. Every dropped record is counted under its reason.
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
        String tokenizerSha256) {}

package org.lorapipe.contract.request;

/**
 * Where the training data is and how the dataset-service turns it into token sequences.
 *
 * @param uri s3:// URI of a JSON array or JSONL file inside the pipeline's bucket
 * @param format layout of the records
 * @param promptTemplate how a record becomes text
 * @param maxSeqLength longest templated example in tokens; longer ones are dropped (or truncated)
 * @param validationFraction share of records held out for validation, split by a hash of the record
 * @param deduplicate remove exact and near duplicates
 * @param maskPrompt train on response tokens only
 * @param pack pack short examples into full sequences
 * @param nearDuplicateThreshold Jaccard similarity above which two records count as near duplicates
 * @param truncate cut over-long examples to {@code maxSeqLength} instead of dropping them
 * @param maxBadFraction largest share of malformed records tolerated before the whole dataset is refused
 */
public record DatasetSpec(
        String uri,
        DatasetFormat format,
        PromptTemplate promptTemplate,
        int maxSeqLength,
        double validationFraction,
        boolean deduplicate,
        boolean maskPrompt,
        boolean pack,
        double nearDuplicateThreshold,
        boolean truncate,
        double maxBadFraction) {

    public static final DatasetFormat DEFAULT_FORMAT = DatasetFormat.ALPACA;
    public static final PromptTemplate DEFAULT_TEMPLATE = PromptTemplate.ALPACA;
    public static final int DEFAULT_MAX_SEQ_LENGTH = 256;
    public static final double DEFAULT_VALIDATION_FRACTION = 0.05;
    public static final double DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.85;
    public static final double DEFAULT_MAX_BAD_FRACTION = 0.10;
}

package org.lorapipe.dataset.domain;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One record as read from the dataset file: its 0-based index and either its JSON or, for a JSONL
 * line that does not parse, the parse error.
 */
public record RawRecord(long index, JsonNode json, String parseError) {}

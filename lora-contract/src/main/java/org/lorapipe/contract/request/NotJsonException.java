package org.lorapipe.contract.request;

/** The record is not JSON at all: it belongs on the dead-letter topic, with its original bytes. */
public final class NotJsonException extends RuntimeException {
    public NotJsonException(String detail) {
        super("the record is not JSON (" + detail + "): send one JSON object per record, e.g. {\"requestId\": \"r1\","
                + " \"baseModel\": \"s3://lora/models/NAME\", \"dataset\": {\"uri\": \"s3://lora/data/FILE.jsonl\"}}");
    }
}

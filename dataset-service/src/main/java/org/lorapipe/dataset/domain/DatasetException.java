package org.lorapipe.dataset.domain;

/**
 * The dataset cannot be prepared as requested. {@code code} is a {@code PipelineFailed.error.code}; the
 * message names the record or the problem and says how to fix it.
 */
public final class DatasetException extends RuntimeException {
    private final String code;

    public DatasetException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}

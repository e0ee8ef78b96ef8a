package org.lorapipe.model;

/**
 * A model, tokenizer or tensor file that cannot be used: missing, truncated, corrupt, or of an unsupported
 * architecture or dtype. The message names the file (and tensor) and says what was expected.
 */
public class ModelFormatException extends RuntimeException {

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

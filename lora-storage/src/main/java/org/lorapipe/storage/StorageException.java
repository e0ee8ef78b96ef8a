package org.lorapipe.storage;

/**
 * An object-store operation failed. The message names the S3 location and says what to do;
 * it never contains credentials (the MinIO client's own exceptions, whose HTTP trace carries the
 * access key, are not attached as causes; their error code and request id are in the message).
 */
public class StorageException extends RuntimeException {

    /** What kind of failure, so callers can branch without parsing messages. */
    public enum Kind {
        /** No object (or bucket) at the location. */
        NOT_FOUND,
        /** Credentials rejected or not allowed. */
        ACCESS_DENIED,
        /** The server did not answer or kept failing after all retries. */
        UNAVAILABLE,
        /** A published file does not match its manifest (size or sha256): changed or planted afterwards. */
        CORRUPT,
        /** Anything else: bad request, local I/O, corrupt data. */
        FAILED
    }

    private final Kind kind;
    private final S3Uri uri;

    public StorageException(Kind kind, S3Uri uri, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.uri = uri;
    }

    public StorageException(Kind kind, S3Uri uri, String message) {
        this(kind, uri, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The location the operation was about; null when not about one (e.g. listing buckets). */
    public S3Uri uri() {
        return uri;
    }

    public boolean isNotFound() {
        return kind == Kind.NOT_FOUND;
    }
}

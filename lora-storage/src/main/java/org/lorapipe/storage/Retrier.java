package org.lorapipe.storage;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs S3 calls under a {@link RetryPolicy} and turns every failure into a {@link StorageException}
 * that names the location and the fix.
 *
 * <p>Transient (retried): network I/O errors (connection refused or reset, timeouts), HTTP 5xx and
 * 429, and the S3 codes {@code SlowDown}, {@code InternalError}, {@code ServiceUnavailable},
 * {@code RequestTimeout}. Everything else is permanent and fails at once: a 4xx such as
 * {@code NoSuchKey} or {@code AccessDenied} will not change by asking again, and local file errors
 * are the caller's to fix.
 */
final class Retrier {

    private static final Logger LOG = Logger.getLogger(Retrier.class);
    private static final Set<String> TRANSIENT_CODES =
            Set.of("SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "OperationAborted");
    private static final Set<String> DENIED_CODES =
            Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken");

    /** One S3 call; may throw whatever the MinIO client throws. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    /** Thrown inside a {@link Call} to stop retrying, e.g. a stream that was already consumed. */
    static final class Permanent extends Exception {
        Permanent(Exception cause) {
            super(cause);
        }
    }

    private final RetryPolicy policy;
    private final String endpoint;
    private final StorageListener listener;
    private final AtomicLong retries = new AtomicLong();

    Retrier(RetryPolicy policy, String endpoint) {
        this(policy, endpoint, StorageListener.NONE);
    }

    Retrier(RetryPolicy policy, String endpoint, StorageListener listener) {
        this.policy = policy;
        this.endpoint = endpoint;
        this.listener = listener;
    }

    /** Retries performed so far (attempts after a transient failure); each is also told to the listener. */
    long retries() {
        return retries.get();
    }

    /**
     * Runs {@code call}, retrying transient failures.
     *
     * @param action verb for messages, e.g. "read"
     * @param uri the location the call is about
     */
    <T> T call(String action, S3Uri uri, Call<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (Permanent p) {
                throw translate(action, uri, (Exception) p.getCause(), attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException(StorageException.Kind.FAILED, uri, action + " " + uri + " interrupted");
            } catch (StorageException e) {
                throw e;
            } catch (Exception e) {
                if (!isTransient(e) || attempt >= policy.maxAttempts()) {
                    throw translate(action, uri, e, attempt);
                }
                long delay = policy.delayAfter(attempt).toMillis();
                LOG.warnf(
                        "%s %s: attempt %d/%d failed (%s), retrying in %d ms",
                        action, uri, attempt, policy.maxAttempts(), summary(e), delay);
                retries.incrementAndGet();
                listener.retried(action);
                sleep(delay, action, uri);
            }
        }
    }

    static boolean isTransient(Exception e) {
        if (e instanceof ErrorResponseException ere) {
            int status = ere.response() == null ? 0 : ere.response().code();
            return TRANSIENT_CODES.contains(ere.errorResponse().code()) || status >= 500 || status == 429;
        }
        if (e instanceof ServerException) {
            return true; // 5xx without an S3 error document
        }
        // local file problems (missing file, disk full, no permission) do not heal by waiting
        return e instanceof IOException && !(e instanceof FileSystemException || e instanceof FileNotFoundException);
    }

    private StorageException translate(String action, S3Uri uri, Exception e, int attempts) {
        if (e instanceof ErrorResponseException ere) {
            String code = ere.errorResponse().code();
            String requestId = ere.errorResponse().requestId();
            String detail = " (S3 error " + code + (requestId == null ? "" : ", request id " + requestId) + ")";
            if ("NoSuchKey".equals(code)) {
                return new StorageException(
                        StorageException.Kind.NOT_FOUND,
                        uri,
                        "no object at " + uri + ": upload it first, or check the key" + detail);
            }
            if ("NoSuchBucket".equals(code)) {
                return new StorageException(
                        StorageException.Kind.NOT_FOUND,
                        uri,
                        "bucket '" + uri.bucket() + "' does not exist at " + endpoint
                                + ": create it (ObjectStore.ensureBucket, `lora stack up` or `mc mb`)" + detail);
            }
            if (DENIED_CODES.contains(code)) {
                return new StorageException(
                        StorageException.Kind.ACCESS_DENIED,
                        uri,
                        action + " " + uri + " was refused by " + endpoint
                                + ": check the access and secret key (S3_ACCESS_KEY / S3_SECRET_KEY)" + detail);
            }
            boolean exhausted = isTransient(e);
            return new StorageException(
                    exhausted ? StorageException.Kind.UNAVAILABLE : StorageException.Kind.FAILED,
                    uri,
                    action + " " + uri + " failed" + (exhausted ? " after " + attempts + " attempt(s)" : "") + ": "
                            + ere.errorResponse().message() + detail);
        }
        if (isTransient(e)) {
            return new StorageException(
                    StorageException.Kind.UNAVAILABLE,
                    uri,
                    action + " " + uri + " failed after " + attempts + " attempt(s): " + summary(e)
                            + ": is the S3 server at " + endpoint + " running and reachable?",
                    e instanceof IOException ? e : null);
        }
        return new StorageException(
                StorageException.Kind.FAILED,
                uri,
                action + " " + uri + " failed: " + summary(e),
                e instanceof IOException || e instanceof RuntimeException ? e : null);
    }

    /** Type and message only: MinIO exceptions' toString() appends an HTTP trace with the access key. */
    static String summary(Exception e) {
        if (e instanceof ErrorResponseException ere) {
            return "S3 error " + ere.errorResponse().code() + ": "
                    + ere.errorResponse().message();
        }
        if (e instanceof ServerException se) {
            return "HTTP " + se.statusCode() + " from the server";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void sleep(long millis, String action, S3Uri uri) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Kind.FAILED, uri, action + " " + uri + " interrupted");
        }
    }
}

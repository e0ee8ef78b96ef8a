package org.lorapipe.service.consumer;

import java.util.List;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.service.jobs.StageFailure;
import org.lorapipe.storage.StorageException;

/**
 * Turns whatever a job threw into the one failure its request gets. Every {@link Throwable} has an
 * answer here, so no job can end without an outcome (a job that never ends is replayed for ever).
 */
public final class JobFailures {

    /**
     * A failure event's error: code, message (what to do), whether sending again may help, and the
     * separate problems when the stage listed any.
     */
    public record Failure(String code, String message, boolean retriable, List<String> problems) {
        public Failure(String code, String message, boolean retriable) {
            this(code, message, retriable, List.of());
        }
    }

    private JobFailures() {}

    /**
     * Whether the job should simply run again here after a pause, rather than fail: object storage not
     * answering is usually over in seconds (a restart, a network blip).
     */
    public static boolean isTransient(Throwable t) {
        return t instanceof StorageException s && s.kind() == StorageException.Kind.UNAVAILABLE;
    }

    /** The failure for {@code t}, thrown by the job of {@code requestId}. */
    public static Failure of(Throwable t) {
        if (t instanceof StageFailure f) {
            return new Failure(f.code(), f.getMessage(), f.retriable(), f.problems());
        }
        if (t instanceof StorageException s && s.kind() == StorageException.Kind.CORRUPT) {
            return new Failure(ErrorCodes.INVALID_INPUT, s.getMessage(), false);
        }
        if (t instanceof StorageException s) {
            return new Failure(
                    ErrorCodes.INFRASTRUCTURE,
                    "object storage failed: " + s.getMessage() + " (send the event again once storage is back)",
                    true);
        }
        if (t instanceof OutOfMemoryError) {
            return new Failure(
                    ErrorCodes.INTERNAL,
                    "the job ran out of memory (" + t.getMessage() + "): make it smaller: lower"
                            + " training.microBatchSize (raise training.gradientAccumulationSteps to keep the"
                            + " batch), lower dataset.maxSeqLength, set training.gradientCheckpointing to true,"
                            + " or set quantization.type to nf4; or give the service more memory",
                    false);
        }
        if (t instanceof StackOverflowError) {
            return new Failure(
                    ErrorCodes.INTERNAL,
                    "the job overflowed its stack, usually on a pathological input (a regular expression"
                            + " against a long text, a deeply nested file): simplify the input",
                    false);
        }
        // a broken installation (a missing class, a native library that will not load) or a bug
        return new Failure(ErrorCodes.INTERNAL, "the job failed unexpectedly: " + t, true);
    }
}

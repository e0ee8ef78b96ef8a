package org.lorapipe.service.consumer;

/**
 * A job gave up on purpose because its consumer asked it to stop (shutdown, or its partition went to
 * another replica). No outcome is published and the input's offset stays uncommitted, so the record's
 * next owner runs the job again (the trainer from its checkpoint).
 */
public class JobStoppedException extends RuntimeException {
    public JobStoppedException(String message) {
        super(message);
    }
}

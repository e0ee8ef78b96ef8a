package org.lorapipe.service.consumer;

import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.lorapipe.contract.request.TrainingRequest;

/**
 * One input record being worked on: where it came from (its partition is paused until the outcome is
 * committed), the control that can stop it, and, once the work is over, its outcome.
 */
final class Job<T> {

    /** How the work ended. */
    sealed interface Outcome {}

    /**
     * The records to publish with the offset; {@code failed} tells the job view which way it went,
     * {@code code} the failure's error code (null when done), {@code took} how long the work ran.
     */
    record Publish(List<OutgoingEvent> events, boolean failed, String code, String message, Duration took)
            implements Outcome {}

    /** Stopped on request: nothing is published and the offset is not committed. */
    record Stopped(String reason) implements Outcome {}

    final TopicPartition partition;
    final long offset;
    final T input;
    final String requestId;
    final TrainingRequest request;
    /** The principal the record names ({@code lora_principal}), or null. */
    final String principal;
    /** The trace context the record carried ({@code Context.root()} when none): the job span's parent. */
    final Context traceParent;

    final JobControl control = new JobControl();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Thread worker;
    private volatile Outcome outcome;
    /** Commit attempts so far and when the next may start (loop thread only). */
    int commitAttempts;

    long nextCommitAt;

    Job(
            TopicPartition partition,
            long offset,
            T input,
            String requestId,
            TrainingRequest request,
            String principal,
            Context traceParent) {
        this.partition = partition;
        this.offset = offset;
        this.input = input;
        this.requestId = requestId;
        this.request = request;
        this.principal = principal;
        this.traceParent = traceParent;
    }

    void startedOn(Thread thread) {
        worker = thread;
    }

    void end(Outcome o) {
        outcome = o;
        worker = null;
        ended.countDown();
    }

    Outcome outcome() {
        return outcome;
    }

    boolean hasEnded() {
        return ended.getCount() == 0;
    }

    /**
     * Asks the work to stop and waits up to {@code timeoutMs} for it; a job that ignores the request is
     * then interrupted. Returns whether it ended.
     */
    boolean stop(String reason, long timeoutMs) {
        control.stop(reason);
        try {
            if (ended.await(timeoutMs, TimeUnit.MILLISECONDS)) {
                return true;
            }
            Thread t = worker;
            if (t != null) {
                t.interrupt();
            }
            return ended.await(Math.min(timeoutMs, 5_000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

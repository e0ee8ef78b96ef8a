package org.lorapipe.service.consumer;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;
import org.lorapipe.contract.Stage;
import org.lorapipe.service.jobs.JobRegistry;
import org.lorapipe.service.jobs.StageFailure;
import org.lorapipe.service.messaging.PrincipalHeader;
import org.lorapipe.service.metrics.ConsumerLag;
import org.lorapipe.service.metrics.StageMetrics;
import org.lorapipe.service.tracing.JobSpans;
import org.lorapipe.service.tracing.TraceHeaders;

/**
 * The one consumer of every stage. Ownership of a job is ownership of its record's partition in the
 * stage's consumer group:
 *
 * <ol>
 *   <li>A valid record becomes a job on a worker thread and its partition is paused; the loop keeps
 *       polling, so the replica stays in the group however long the job runs. While
 *       {@code concurrency} jobs run, every partition is paused: waiting records stay on the broker,
 *       counted as lag, for another replica to take.
 *   <li>When the job ends, its outcome (the stage's event, or {@code lora.pipeline.failed}) and the
 *       record's offset are committed in ONE Kafka transaction. A replica that lost the partition in the
 *       meantime is fenced by the group generation and cannot commit; its outcome is never visible to a
 *       {@code read_committed} reader.
 *   <li>When the partition is revoked, or the service shuts down, the job is asked to stop at its next
 *       boundary (the trainer writes a checkpoint first) and the offset stays uncommitted: the record's
 *       next owner runs it again. A replica killed with -9 leaves the group after the session timeout
 *       with the same effect.
 *   <li>An invalid record is answered at once, its failure event and offset in one transaction.
 * </ol>
 *
 * Every {@link Throwable} a job throws becomes exactly one outcome ({@link JobFailures}); object storage
 * that does not answer makes the job run again here until {@code transientRetryWindow} is over. The
 * consumer and the producer are used only by the loop thread.
 *
 * <p>Traces: each job runs in a span ({@code process <input topic>}, kind CONSUMER) whose parent is the
 * trace context of its record's headers ({@link TraceHeaders}), and the events it publishes carry the
 * job span's context, so a request's stages form one trace. A record without a valid context starts one.
 */
public final class StageConsumer<T> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StageConsumer.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration COMMITTED_LOOKUP = Duration.ofSeconds(5);
    private static final long MAX_COMMIT_BACKOFF_MS = 10_000;

    /**
     * The tunables of {@code lora.stage.*} a consumer uses.
     *
     * @param idleCommitInterval how often the offsets of idle partitions are moved past the transaction
     *     markers that follow their last record (see {@link #catchUpIdleOffsets})
     */
    public record Settings(
            String inputTopic,
            int concurrency,
            Duration stopTimeout,
            Duration transientRetryWindow,
            Duration idleCommitInterval,
            int requestBytes,
            Duration jobTime) {
        /** How often idle partitions' offsets catch up with their transaction markers. */
        public static final Duration IDLE_COMMIT_INTERVAL = Duration.ofSeconds(5);

        /** With the idle interval above and the default limits of {@code lora.limits.*}. */
        public Settings(String inputTopic, int concurrency, Duration stopTimeout, Duration transientRetryWindow) {
            this(
                    inputTopic,
                    concurrency,
                    stopTimeout,
                    transientRetryWindow,
                    IDLE_COMMIT_INTERVAL,
                    InboundGate.DEFAULT_REQUEST_BYTES,
                    Duration.ofHours(24));
        }

        public Settings {
            if (concurrency < 1) {
                throw new IllegalArgumentException("lora.stage.concurrency must be at least 1, got " + concurrency);
            }
            if (requestBytes < 1) {
                throw new IllegalArgumentException("lora.limits.request-bytes must be positive, got " + requestBytes);
            }
            if (jobTime.isNegative() || jobTime.isZero()) {
                throw new IllegalArgumentException("lora.limits.job-time must be positive, got " + jobTime);
            }
        }
    }

    private final StageHandler<T> handler;
    private final Stage stage;
    private final String source;
    private final Settings settings;
    private final KafkaClients clients;
    private final JobRegistry registry;
    private final InboundGate gate;
    private final Runnable onFatalError;
    private final ExecutorService workers;
    private final StageMetrics metrics;
    private final ConsumerLag lag;
    private final Tracer tracer;

    // loop thread only
    private Consumer<String, byte[]> consumer;
    private Producer<String, byte[]> producer;
    private final Map<TopicPartition, Job<T>> jobs = new HashMap<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final List<Job<T>> awaitingCommit = new ArrayList<>();
    /** The offset this replica last saw committed for each owned partition. */
    private final Map<TopicPartition, Long> committedAt = new HashMap<>();

    private long nextIdleCommit;

    private final Queue<Job<T>> ended = new ConcurrentLinkedQueue<>();
    private volatile boolean closing;
    private volatile Thread loop;
    private volatile Throwable loopFailure;

    /**
     * @param onFatalError called when a job threw an error that leaves the JVM unsafe to go on with
     *     (OutOfMemoryError): the service then reports itself not alive
     * @param metrics told of every job taken and every outcome committed
     * @param lag measured on the loop thread, for {@code /q/metrics}
     * @param tracer starts the job spans (a no-op tracer still passes the record's trace context on)
     */
    public StageConsumer(
            StageHandler<T> handler,
            Stage stage,
            String source,
            Settings settings,
            KafkaClients clients,
            JobRegistry registry,
            Runnable onFatalError,
            StageMetrics metrics,
            ConsumerLag lag,
            Tracer tracer) {
        this.tracer = tracer;
        this.handler = handler;
        this.metrics = metrics;
        this.lag = lag;
        this.stage = stage;
        this.source = source;
        this.settings = settings;
        this.clients = clients;
        this.registry = registry;
        this.gate = new InboundGate(stage, settings.requestBytes());
        this.onFatalError = onFatalError;
        AtomicInteger count = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, "lora-job-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Without spans of its own: records' trace contexts pass through to the events published. */
    public StageConsumer(
            StageHandler<T> handler,
            Stage stage,
            String source,
            Settings settings,
            KafkaClients clients,
            JobRegistry registry,
            Runnable onFatalError,
            StageMetrics metrics,
            ConsumerLag lag) {
        this(
                handler,
                stage,
                source,
                settings,
                clients,
                registry,
                onFatalError,
                metrics,
                lag,
                OpenTelemetry.noop().getTracer(JobSpans.INSTRUMENTATION));
    }

    /** Starts the loop thread. */
    public synchronized void start() {
        if (loop != null) {
            throw new IllegalStateException("already started");
        }
        Thread t = new Thread(this::runLoop, "lora-stage-consumer");
        t.setDaemon(true);
        loop = t;
        t.start();
    }

    /** Whether the loop thread is running (false after it died of an unexpected error). */
    public boolean alive() {
        Thread t = loop;
        return t != null && t.isAlive() && loopFailure == null;
    }

    private void runLoop() {
        try {
            open();
            while (!closing) {
                try {
                    runOnce();
                } catch (WakeupException e) {
                    // close() woke the poll
                } catch (KafkaException e) {
                    LOG.warnf("Kafka trouble in the consumer loop (%s); going on", e.toString());
                    sleep(1_000);
                }
            }
            shutdown();
        } catch (Throwable t) {
            loopFailure = t;
            LOG.errorf(t, "the %s consumer stopped", stage.wire());
        }
    }

    /** Creates the clients and joins the group. Package-visible for the unit test. */
    void open() {
        clients.prepare();
        consumer = clients.consumer();
        producer = clients.producer();
        producer.initTransactions();
        consumer.subscribe(List.of(settings.inputTopic()), new Rebalance());
        nextIdleCommit =
                System.currentTimeMillis() + settings.idleCommitInterval().toMillis();
    }

    /** One turn of the loop: poll, take what can be taken, commit what has ended, pause what must wait. */
    void runOnce() {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(tp)) {
                if (!take(tp, record)) {
                    consumer.seek(tp, record.offset()); // fetched again once it can be taken
                    break;
                }
            }
        }
        commitEnded();
        adjustPauses();
        catchUpIdleOffsets();
        lag.measure(consumer);
    }

    /**
     * Commits the position of partitions that hold no job when it is ahead of the committed offset. An
     * input topic written in transactions has a commit marker after each record; the outcome's
     * transaction commits the offset just past the record, so without this every idle partition would
     * show a lag of 1 for ever and a lag-based autoscaler (KEDA) would scale an idle stage out. The
     * position never passes a record that was not handled: a record left for later is sought back to.
     */
    private void catchUpIdleOffsets() {
        long now = System.currentTimeMillis();
        if (now < nextIdleCommit || producer == null) {
            return;
        }
        nextIdleCommit = now + settings.idleCommitInterval().toMillis();
        Map<TopicPartition, OffsetAndMetadata> ahead = new HashMap<>();
        try {
            for (TopicPartition tp : assigned) {
                if (jobs.containsKey(tp)) {
                    continue;
                }
                long position = consumer.position(tp, COMMITTED_LOOKUP);
                Long known = committedAt.get(tp);
                if (known == null) {
                    OffsetAndMetadata c =
                            consumer.committed(Set.of(tp), COMMITTED_LOOKUP).get(tp);
                    known = c == null ? 0L : c.offset();
                    committedAt.put(tp, known);
                }
                if (position > known) {
                    ahead.put(tp, new OffsetAndMetadata(position));
                }
            }
            if (ahead.isEmpty()) {
                return;
            }
            producer.beginTransaction();
            producer.sendOffsetsToTransaction(ahead, consumer.groupMetadata());
            producer.commitTransaction();
            ahead.forEach((tp, o) -> committedAt.put(tp, o.offset()));
        } catch (KafkaException e) {
            LOG.debugf("could not move idle offsets forward (%s); next time", e.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException | IllegalStateException abort) {
                closeProducer();
            }
        }
    }

    /** Handles one record; false when it must wait (its partition is busy, or every worker is). */
    private boolean take(TopicPartition tp, ConsumerRecord<String, byte[]> record) {
        if (jobs.containsKey(tp) || jobs.size() >= settings.concurrency()) {
            return false;
        }
        Context traceParent = TraceHeaders.extract(record.headers());
        Admission<T> admission = gate.admit(record, handler::parse);
        if (admission instanceof Admission.Refused<T> refused) {
            Map<String, String> trace = TraceHeaders.of(traceParent); // the refusal joins the sender's trace
            List<OutgoingEvent> answer =
                    refused.answer().stream().map(e -> e.withHeaders(trace)).toList();
            if (commit(tp, record.offset(), refused.requestId(), answer, false) != Commit.DONE) {
                return false;
            }
            if (refused.requestId() != null) {
                registry.failed(refused.requestId(), refused.message());
            }
            metrics.finished(true, refused.code(), null);
            return true;
        }
        T input = ((Admission.Admitted<T>) admission).input();
        var request = handler.request(input);
        String id = request.requestId();
        String principal = PrincipalHeader.of(record.headers());
        if (!registry.accept(id, "queued", request, principal)) {
            LOG.infof("%s was delivered again while queued, running or done here: acknowledged, not redone", id);
            return commit(tp, record.offset(), id, List.of(), false) == Commit.DONE;
        }
        Job<T> job = new Job<>(tp, record.offset(), input, id, request, principal, traceParent);
        jobs.put(tp, job);
        consumer.pause(List.of(tp));
        metrics.accepted();
        workers.submit(() -> work(job));
        return true;
    }

    /** On a worker thread: runs the job to exactly one outcome, in the job's span. */
    private void work(Job<T> job) {
        Span span = tracer.spanBuilder("process " + settings.inputTopic())
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(job.traceParent)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", job.partition.topic())
                .setAttribute("messaging.destination.partition.id", String.valueOf(job.partition.partition()))
                .setAttribute("messaging.kafka.offset", job.offset)
                .setAttribute("messaging.kafka.message.key", job.requestId)
                .setAttribute(JobSpans.STAGE, stage.wire())
                .setAttribute(JobSpans.REQUEST_ID, job.requestId)
                .startSpan();
        Job.Outcome outcome;
        try (Scope scope = span.makeCurrent()) {
            outcome = traced(run(job), span);
        } catch (RuntimeException | Error e) {
            JobSpans.failed(span, e);
            span.end();
            throw e;
        }
        span.end(); // before the outcome is committed: the next stage's job starts after this one ended
        job.end(outcome);
        ended.add(job);
    }

    /** The outcome with the job span's context on every event it publishes; the span told how it went. */
    private static Job.Outcome traced(Job.Outcome outcome, Span span) {
        if (!(outcome instanceof Job.Publish publish)) {
            span.setAttribute(JobSpans.OUTCOME, "stopped");
            return outcome;
        }
        if (publish.failed()) {
            span.setStatus(StatusCode.ERROR, publish.code());
        }
        span.setAttribute(JobSpans.OUTCOME, publish.failed() ? "failed" : "done");
        Map<String, String> trace = TraceHeaders.of(Context.root().with(span));
        return new Job.Publish(
                publish.events().stream().map(e -> e.withHeaders(trace)).toList(),
                publish.failed(),
                publish.code(),
                publish.message(),
                publish.took());
    }

    /** The job's work, tried again on transient faults, to exactly one outcome. */
    private Job.Outcome run(Job<T> job) {
        job.startedOn(Thread.currentThread());
        job.control.limitTime(settings.jobTime());
        long started = System.nanoTime();
        long deadline = started + settings.transientRetryWindow().toNanos();
        int attempt = 0;
        Job.Outcome outcome;
        registry.running(job.requestId, handler.describe(job.input));
        while (true) {
            try {
                StageResult result = handler.work(job.input, job.principal, job.control);
                outcome = new Job.Publish(
                        List.of(OutgoingEvent.of(result.topic(), result.event())),
                        false,
                        null,
                        result.summary(),
                        Duration.ofNanos(System.nanoTime() - started));
                break;
            } catch (Throwable thrown) {
                Throwable t = thrown;
                if (job.control.handedOver()) {
                    outcome = new Job.Stopped(t.getMessage());
                    break;
                }
                if (job.control.timedOut()) {
                    t = job.control.timeLimitFailure(); // whatever the job threw on its way out
                } else if (JobFailures.isTransient(t) && System.nanoTime() < deadline) {
                    long pause = Math.min(30_000, 1_000L << Math.min(attempt++, 5));
                    LOG.warnf("%s: %s; trying again in %d s", job.requestId, t.getMessage(), pause / 1000);
                    sleepUnlessStopped(job.control, pause);
                    if (job.control.handedOver()) {
                        outcome = new Job.Stopped("stopped while waiting to try again");
                        break;
                    }
                    if (!job.control.timedOut()) {
                        continue;
                    }
                    t = job.control.timeLimitFailure();
                }
                if (t instanceof OutOfMemoryError) {
                    onFatalError.run();
                }
                if (t instanceof StageFailure) {
                    LOG.infof("%s: %s", job.requestId, t.getMessage()); // explained: no stack trace
                } else {
                    LOG.errorf(t, "%s: the job failed", job.requestId);
                }
                JobFailures.Failure f = JobFailures.of(t);
                outcome = new Job.Publish(
                        List.of(gate.failure(
                                job.requestId, job.request, f.code(), f.message(), f.problems(), f.retriable())),
                        true,
                        f.code(),
                        f.message(),
                        Duration.ofNanos(System.nanoTime() - started));
                break;
            }
        }
        return outcome;
    }

    private static void sleepUnlessStopped(JobControl control, long ms) {
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end && !control.stopRequested()) {
            try {
                Thread.sleep(Math.min(200, Math.max(1, end - System.currentTimeMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Commits the outcomes of ended jobs this replica still owns. */
    private void commitEnded() {
        for (Job<T> j; (j = ended.poll()) != null; ) {
            awaitingCommit.add(j);
        }
        long now = System.currentTimeMillis();
        for (var it = awaitingCommit.iterator(); it.hasNext(); ) {
            Job<T> job = it.next();
            if (jobs.get(job.partition) != job) {
                it.remove(); // its partition went elsewhere: the new owner answers
                continue;
            }
            if (job.outcome() instanceof Job.Stopped stopped) {
                LOG.infof("%s stopped (%s): left for the partition's next owner", job.requestId, stopped.reason());
                forget(job);
                consumer.seek(job.partition, job.offset);
                it.remove();
                continue;
            }
            if (now < job.nextCommitAt) {
                continue;
            }
            Job.Publish publish = (Job.Publish) job.outcome();
            Commit result = commit(job.partition, job.offset, job.requestId, publish.events(), job.commitAttempts > 0);
            if (result == Commit.LATER) {
                job.commitAttempts++;
                long backoff = Math.min(MAX_COMMIT_BACKOFF_MS, 500L << Math.min(job.commitAttempts, 5));
                job.nextCommitAt = now + ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1);
                continue;
            }
            it.remove();
            jobs.remove(job.partition);
            if (result == Commit.DONE) {
                metrics.finished(publish.failed(), publish.code(), publish.took());
                if (publish.failed()) {
                    registry.failed(job.requestId, publish.message());
                } else {
                    registry.done(job.requestId, publish.message());
                }
            } else {
                registry.release(job.requestId);
            }
        }
    }

    private void forget(Job<T> job) {
        jobs.remove(job.partition);
        registry.release(job.requestId);
    }

    /** Pauses every partition with a job, and every partition while all workers are busy. */
    private void adjustPauses() {
        boolean full = jobs.size() >= settings.concurrency();
        Set<TopicPartition> paused = consumer.paused();
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            boolean wait = full || jobs.containsKey(tp);
            if (wait && !paused.contains(tp)) {
                pause.add(tp);
            } else if (!wait && paused.contains(tp)) {
                resume.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    private enum Commit {
        /** The outcome and the offset are committed. */
        DONE,
        /** Not now (broker unreachable, transaction aborted): try again. */
        LATER,
        /** This replica no longer owns the partition: the outcome is dropped. */
        LOST
    }

    /**
     * Publishes {@code events} and commits {@code offset + 1} of {@code tp} in one transaction.
     *
     * @param retry an earlier attempt failed, possibly after its commit reached the broker: look first
     */
    private Commit commit(TopicPartition tp, long offset, String requestId, List<OutgoingEvent> events, boolean retry) {
        if (producer == null && !recreateProducer()) {
            return Commit.LATER;
        }
        try {
            if (retry && alreadyCommitted(tp, offset)) {
                return Commit.DONE; // an earlier attempt whose answer was lost did commit
            }
            producer.beginTransaction();
            for (OutgoingEvent e : events) {
                producer.send(e.toRecord(source, EventIds.of(requestId, stage, e.topic(), tp, offset)));
            }
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(offset + 1)), consumer.groupMetadata());
            producer.commitTransaction();
            committedAt.put(tp, offset + 1);
            return Commit.DONE;
        } catch (ProducerFencedException
                | InvalidProducerEpochException
                | AuthorizationException
                | UnsupportedVersionException e) {
            // this producer can do nothing more: a replica with the same transactional id took over
            LOG.errorf("%s: the transactional producer was fenced (%s); starting a new one", requestId, e);
            closeProducer();
            return assigned.contains(tp) ? Commit.LATER : Commit.LOST;
        } catch (KafkaException e) {
            LOG.warnf(
                    "%s: could not commit the outcome (%s); %s",
                    requestId, e.toString(), assigned.contains(tp) ? "trying again" : "the partition has moved on");
            try {
                producer.abortTransaction();
            } catch (KafkaException abort) {
                closeProducer();
            }
            return assigned.contains(tp) ? Commit.LATER : Commit.LOST;
        }
    }

    /** Whether the group's committed offset of {@code tp} is already past {@code offset}. */
    private boolean alreadyCommitted(TopicPartition tp, long offset) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(tp), COMMITTED_LOOKUP);
        OffsetAndMetadata at = committed.get(tp);
        return at != null && at.offset() > offset;
    }

    private boolean recreateProducer() {
        try {
            producer = clients.producer();
            producer.initTransactions();
            return true;
        } catch (KafkaException e) {
            LOG.warnf("cannot start the transactional producer yet: %s", e.toString());
            closeProducer();
            return false;
        }
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException ignored) {
                // already broken
            }
            producer = null;
        }
    }

    /** The partition-ownership callbacks; they run inside poll, on the loop thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.addAll(partitions);
            if (!partitions.isEmpty()) {
                LOG.infof("%s: now owns %s", stage.wire(), partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // still the owner here: what has ended is committed, what runs stops and is left uncommitted
            commitEnded();
            release(partitions, "its partition was reassigned to another replica");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions, "this replica lost its partition (session timed out)");
        }

        private void release(Collection<TopicPartition> partitions, String reason) {
            for (TopicPartition tp : partitions) {
                Job<T> job = jobs.remove(tp);
                if (job != null) {
                    boolean stopped = job.stop(reason, settings.stopTimeout().toMillis());
                    LOG.infof(
                            "%s: %s; the job %s", job.requestId, reason, stopped ? "stopped" : "did not stop in time");
                    registry.release(job.requestId);
                }
            }
            assigned.removeAll(partitions);
            partitions.forEach(committedAt::remove);
        }
    }

    /** Stops the loop: running jobs stop at their next boundary, uncommitted; the replica leaves the group. */
    @Override
    public void close() {
        closing = true;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = loop;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(settings.stopTimeout().toMillis() + 15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.shutdownNow();
    }

    /** On the loop thread: stop every job, commit those that ended with an outcome, leave the group. */
    void shutdown() {
        long timeout = settings.stopTimeout().toMillis();
        long deadline = System.currentTimeMillis() + timeout;
        for (Job<T> job : jobs.values()) {
            job.control.stop("the service is shutting down");
        }
        for (Job<T> job : List.copyOf(jobs.values())) {
            job.stop("the service is shutting down", Math.max(1, deadline - System.currentTimeMillis()));
        }
        try {
            commitEnded();
        } catch (KafkaException e) {
            LOG.warnf("could not commit the last outcomes (%s): their records will be handled again", e.toString());
        }
        try {
            consumer.close(Duration.ofSeconds(10));
        } catch (KafkaException e) {
            LOG.warnf("closing the consumer: %s", e.toString());
        }
        closeProducer();
        LOG.infof("%s consumer closed", stage.wire());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

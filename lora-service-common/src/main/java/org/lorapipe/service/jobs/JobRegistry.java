package org.lorapipe.service.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.lorapipe.service.config.ServiceConfig;

/**
 * The jobs this service instance has seen, by requestId. It answers the REST view and tells a consumer
 * whether a redelivered event is already being handled. It lives in memory: the durable truth of a
 * stage is its published output in object storage, which each stage checks before it repeats work.
 */
@ApplicationScoped
public class JobRegistry {
    /** Finished jobs kept for the view; beyond this the oldest are forgotten (running ones never are). */
    static final int KEEP_FINISHED = 1_000;

    private final Map<String, JobStatus> jobs = new ConcurrentHashMap<>();
    /** The request each job was accepted with, to tell a redelivery from another request under its id. */
    private final Map<String, Object> requests = new ConcurrentHashMap<>();
    /** Who sent the record each job was accepted from, when its record named a principal. */
    private final Map<String, String> submitters = new ConcurrentHashMap<>();

    private final String stage;

    public JobRegistry(ServiceConfig config) {
        this.stage = config.stage();
    }

    public Optional<JobStatus> find(String requestId) {
        return Optional.ofNullable(jobs.get(requestId));
    }

    /** Who sent the record the job was accepted from ({@code lora_principal}), or null. */
    public String submitter(String requestId) {
        return submitters.get(requestId);
    }

    /** {@link #accept(String, String, Object, String)} for a record that names no principal. */
    public boolean accept(String requestId, String message, Object request) {
        return accept(requestId, message, request, null);
    }

    /**
     * Records a newly accepted job; returns false (and changes nothing) when the same request is already
     * accepted, running or done here, so a redelivered event does not start the work twice. A different
     * request under a known id, or the same one from another submitter, is accepted: its stage decides (the
     * dataset stage answers CONFLICT).
     *
     * @param submitter the principal the record was sent by (the dataset stage's input), or null
     */
    public boolean accept(String requestId, String message, Object request, String submitter) {
        Instant now = Instant.now();
        JobStatus fresh = new JobStatus(requestId, stage, JobState.ACCEPTED, now, null, null, message);
        JobStatus result = jobs.compute(
                requestId,
                (id, old) -> old == null
                                || old.state() == JobState.FAILED
                                || !request.equals(requests.get(id))
                                || !Objects.equals(submitter, submitters.get(id))
                        ? fresh
                        : old);
        if (result == fresh) {
            requests.put(requestId, request);
            if (submitter == null) {
                submitters.remove(requestId);
            } else {
                submitters.put(requestId, submitter);
            }
        }
        return result == fresh;
    }

    /** How many jobs are in {@code state} here now (the finished ones as far as they are kept). */
    public int count(JobState state) {
        int n = 0;
        for (JobStatus s : jobs.values()) {
            if (s.state() == state) {
                n++;
            }
        }
        return n;
    }

    /** The requests accepted or running here, oldest first. */
    public List<String> active() {
        return jobs.values().stream()
                .filter(s -> s.state() == JobState.ACCEPTED || s.state() == JobState.RUNNING)
                .sorted(Comparator.comparing(JobStatus::receivedAt, Comparator.nullsLast(Comparator.naturalOrder())))
                .map(JobStatus::requestId)
                .toList();
    }

    /**
     * Forgets a job this instance gave up without an outcome (stopped, its partition gone elsewhere), so
     * the record can be taken again if it comes back here.
     */
    public void release(String requestId) {
        jobs.remove(requestId);
        requests.remove(requestId);
        submitters.remove(requestId);
    }

    public void running(String requestId, String message) {
        transition(requestId, JobState.RUNNING, message);
    }

    public void done(String requestId, String message) {
        transition(requestId, JobState.DONE, message);
        prune();
    }

    /** Records a failure; creates the entry when the request failed before it was accepted. */
    public void failed(String requestId, String message) {
        Instant now = Instant.now();
        jobs.compute(
                requestId,
                (id, old) -> old == null
                        ? new JobStatus(id, stage, JobState.FAILED, now, null, now, message)
                        : old.with(JobState.FAILED, now, message));
        prune();
    }

    /** Keeps the newest {@link #KEEP_FINISHED} finished jobs. */
    private void prune() {
        List<JobStatus> finished = jobs.values().stream()
                .filter(s -> s.state() == JobState.DONE || s.state() == JobState.FAILED)
                .toList();
        int excess = finished.size() - KEEP_FINISHED;
        if (excess > 0) {
            finished.stream()
                    .sorted(Comparator.comparing(
                            JobStatus::finishedAt, Comparator.nullsFirst(Comparator.naturalOrder())))
                    .limit(excess)
                    .forEach(s -> {
                        if (jobs.remove(s.requestId(), s)) {
                            requests.remove(s.requestId());
                            submitters.remove(s.requestId());
                        }
                    });
        }
    }

    private void transition(String requestId, JobState state, String message) {
        Instant now = Instant.now();
        jobs.compute(
                requestId,
                (id, old) -> (old == null ? new JobStatus(id, stage, JobState.ACCEPTED, now, null, null, message) : old)
                        .with(state, now, message));
    }
}

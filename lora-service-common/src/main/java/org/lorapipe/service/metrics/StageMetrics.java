package org.lorapipe.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.lorapipe.service.config.ServiceConfig;
import org.lorapipe.service.jobs.JobRegistry;
import org.lorapipe.service.jobs.JobState;

/**
 * The jobs of a stage, as Prometheus sees them ({@code /q/metrics}), labelled with the stage
 * ({@code dataset}, {@code training}, ...):
 *
 * <ul>
 *   <li>{@code lora_jobs_active{stage, state}}: jobs queued (accepted, not started) and running here now;
 *   <li>{@code lora_jobs_accepted_total{stage}}: valid inputs taken as jobs;
 *   <li>{@code lora_jobs_finished_total{stage, outcome, code}}: outcomes committed, {@code outcome}
 *       {@code done} or {@code failed}, {@code code} the {@code PipelineFailed.error.code}
 *       ({@code none} when done); inputs refused at the door count as failed too;
 *   <li>{@code lora_job_duration_seconds{stage, outcome}}: how long the work of a job took, from its
 *       start on a worker to its outcome (buckets for quantiles).
 * </ul>
 *
 * Fed by the {@code StageConsumer} where jobs are taken, end and are committed; the active counts are
 * read from the {@link JobRegistry} at each scrape.
 */
@ApplicationScoped
public class StageMetrics {
    public static final String ACTIVE = "lora.jobs.active";
    public static final String ACCEPTED = "lora.jobs.accepted";
    public static final String FINISHED = "lora.jobs.finished";
    public static final String DURATION = "lora.job.duration";

    public static final String STAGE = "stage";
    public static final String STATE = "state";
    public static final String OUTCOME = "outcome";
    public static final String CODE = "code";

    public static final String DONE = "done";
    public static final String FAILED = "failed";
    /** The {@code code} of a job that did not fail. */
    public static final String NO_CODE = "none";

    /** Buckets of the duration histogram: a dataset takes seconds, a training run minutes to hours. */
    private static final Duration[] BUCKETS = {
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        Duration.ofSeconds(30),
        Duration.ofMinutes(1),
        Duration.ofMinutes(2),
        Duration.ofMinutes(5),
        Duration.ofMinutes(15),
        Duration.ofMinutes(30),
        Duration.ofHours(1),
        Duration.ofHours(3),
        Duration.ofHours(12)
    };

    private final MeterRegistry meters;
    private final String stage;
    private final Counter accepted;

    public StageMetrics(MeterRegistry meters, ServiceConfig service, JobRegistry jobs) {
        this.meters = meters;
        this.stage = service.stage();
        this.accepted = Counter.builder(ACCEPTED)
                .description("Valid inputs taken as jobs")
                .tag(STAGE, stage)
                .register(meters);
        gauge(jobs, JobState.ACCEPTED, "queued");
        gauge(jobs, JobState.RUNNING, "running");
        // the outcome a healthy stage has from the start shows at 0 rather than not at all
        finishedCounter(DONE, NO_CODE);
        timer(DONE);
    }

    private void gauge(JobRegistry jobs, JobState state, String label) {
        Gauge.builder(ACTIVE, jobs, r -> r.count(state))
                .description("Jobs queued (accepted, not yet started) or running on this replica")
                .tags(STAGE, stage, STATE, label)
                .register(meters);
    }

    /** A valid input became a job. */
    public void accepted() {
        accepted.increment();
    }

    /**
     * A job's outcome was committed.
     *
     * @param code the failure's error code; ignored when {@code failed} is false
     * @param took how long the work ran, or null for an input refused before it was a job
     */
    public void finished(boolean failed, String code, Duration took) {
        String outcome = failed ? FAILED : DONE;
        finishedCounter(outcome, failed && code != null ? code : NO_CODE).increment();
        if (took != null) {
            timer(outcome).record(took);
        }
    }

    private Counter finishedCounter(String outcome, String code) {
        return Counter.builder(FINISHED)
                .description("Job outcomes committed, by outcome and error code")
                .tags(STAGE, stage, OUTCOME, outcome, CODE, code)
                .register(meters);
    }

    private Timer timer(String outcome) {
        return Timer.builder(DURATION)
                .description("How long a job's work took, from its start to its outcome")
                .tags(STAGE, stage, OUTCOME, outcome)
                .serviceLevelObjectives(BUCKETS)
                .register(meters);
    }
}

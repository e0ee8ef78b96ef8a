package org.lorapipe.service.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.service.messaging.InboundGate;
import org.lorapipe.storage.StorageException;

/**
 * How every stage runs a valid input: once per request (a redelivery while it is known here is
 * ignored), journalled in storage BEFORE the Kafka record is acknowledged, worked on a worker thread
 * (never holding the record), and ended by exactly one outcome: the stage's own event, published by
 * the work, or {@code lora.pipeline.failed}. Jobs still in the journal at start-up are run again.
 */
@ApplicationScoped
public class StageRunner {
    private static final Logger LOG = Logger.getLogger(StageRunner.class);

    private final JobRegistry jobs;
    private final JobJournal journal;
    private final Workers workers;
    private final InboundGate gate;

    public StageRunner(JobRegistry jobs, JobJournal journal, Workers workers, InboundGate gate) {
        this.jobs = jobs;
        this.journal = journal;
        this.workers = workers;
        this.gate = gate;
    }

    /**
     * Accepts a job and runs it.
     *
     * @param inputJson the input event, journalled so the job survives a crash
     * @param work does the job and publishes its event; returns the words for the job view; throws
     *     {@link StageFailure} for a failure it can explain
     */
    public void accept(TrainingRequest request, String inputJson, String runningMessage, Supplier<String> work) {
        String id = request.requestId();
        if (!jobs.accept(id, "queued")) {
            LOG.infof("%s was delivered again while queued, running or done here: ignored", id);
            return;
        }
        journal.record(id, inputJson);
        workers.submit(id, () -> run(request, runningMessage, work));
    }

    /** Hands every journalled input back to {@code reaccept}: call it at start-up. */
    public void resume(Consumer<String> reaccept) {
        List<String> pending;
        try {
            pending = journal.pending();
        } catch (RuntimeException e) {
            LOG.warnf("cannot read the job journal (%s); unfinished jobs will run when redelivered", e.getMessage());
            return;
        }
        for (String json : pending) {
            try {
                reaccept.accept(json);
            } catch (RuntimeException e) {
                LOG.errorf(e, "cannot resume a journalled job");
            }
        }
    }

    /**
     * Runs the job; the journal entry is cleared only once an outcome is on the broker, so a job whose
     * outcome could not be published (broker down) runs again after a restart.
     */
    private void run(TrainingRequest request, String runningMessage, Supplier<String> work) {
        String id = request.requestId();
        jobs.running(id, runningMessage);
        try {
            jobs.done(id, work.get());
        } catch (StageFailure e) {
            gate.fail(id, request, e.code(), e.getMessage(), List.of(), e.retriable());
        } catch (StorageException e) {
            LOG.errorf(e, "%s: object storage failed", id);
            gate.fail(
                    id,
                    request,
                    ErrorCodes.INFRASTRUCTURE,
                    "object storage failed: " + e.getMessage() + " (send the event again once storage is back)",
                    List.of(),
                    true);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // a broken installation (a missing class, a native library that will not load) must still end
            // the job with an outcome, or the run would wait forever
            LOG.errorf(e, "%s: the job failed", id);
            gate.fail(id, request, ErrorCodes.INTERNAL, "the job failed unexpectedly: " + e, List.of(), true);
        }
        journal.finish(id);
    }
}

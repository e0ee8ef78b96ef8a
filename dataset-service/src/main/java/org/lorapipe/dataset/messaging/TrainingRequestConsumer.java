package org.lorapipe.dataset.messaging;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.dataset.PreparationService;
import org.lorapipe.dataset.domain.DatasetException;
import org.lorapipe.service.jobs.JobJournal;
import org.lorapipe.service.jobs.JobRegistry;
import org.lorapipe.service.jobs.Workers;
import org.lorapipe.service.messaging.Channels;
import org.lorapipe.service.messaging.EventPublisher;
import org.lorapipe.service.messaging.InboundGate;

/**
 * Consumes {@code lora.training.requested}. A valid request is journalled in storage, then the record is
 * acknowledged and the dataset is prepared on a worker; the outcome is {@code lora.dataset.prepared} or
 * {@code lora.pipeline.failed}. Invalid input is answered at the door by {@link InboundGate}. A request
 * delivered again while this instance has it queued, running or done is ignored; after a restart, a
 * redelivered request reuses the dataset already published instead of preparing it again.
 */
@ApplicationScoped
public class TrainingRequestConsumer {
    private static final Logger LOG = Logger.getLogger(TrainingRequestConsumer.class);

    private final InboundGate gate;
    private final EventParser parser;
    private final JobRegistry jobs;
    private final JobJournal journal;
    private final Workers workers;
    private final PreparationService preparation;
    private final EventPublisher publisher;

    public TrainingRequestConsumer(
            InboundGate gate,
            EventParser parser,
            JobRegistry jobs,
            JobJournal journal,
            Workers workers,
            PreparationService preparation,
            EventPublisher publisher) {
        this.gate = gate;
        this.parser = parser;
        this.jobs = jobs;
        this.journal = journal;
        this.workers = workers;
        this.preparation = preparation;
        this.publisher = publisher;
    }

    @Incoming(Channels.INBOUND)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        gate.admit(record, json -> parser.requests().parse(json)).ifPresent(this::accept);
    }

    private void accept(TrainingRequest request) {
        String id = request.requestId();
        if (!jobs.accept(id, "queued")) {
            LOG.infof("%s was delivered again while queued or running here: ignored", id);
            return;
        }
        journal.record(id, Json.write(request));
        workers.submit(id, () -> run(request));
    }

    /** Re-runs the jobs that were accepted but not finished when the service stopped. */
    public void resume(@Observes StartupEvent event) {
        List<String> pending;
        try {
            pending = journal.pending();
        } catch (RuntimeException e) {
            LOG.warnf("cannot read the job journal (%s); unfinished jobs will run when redelivered", e.getMessage());
            return;
        }
        for (String json : pending) {
            TrainingRequest request = parser.requests().parse(json);
            LOG.infof("%s: resuming an unfinished job", request.requestId());
            accept(request);
        }
    }

    private void run(TrainingRequest request) {
        String id = request.requestId();
        jobs.running(id, "curating and tokenizing " + request.dataset().uri());
        try {
            DatasetManifest manifest = preparation.prepare(request);
            String folder = preparation.datasetFolder(id).toString();
            publisher
                    .publish(Topics.DATASET_PREPARED, DatasetPrepared.of(request, folder, manifest))
                    .toCompletableFuture()
                    .join();
            jobs.done(
                    id,
                    manifest.recordsOut() + " records, " + manifest.trainExamples() + " train / "
                            + manifest.validationExamples() + " validation examples at " + folder);
        } catch (DatasetException e) {
            gate.fail(id, request, e.code(), e.getMessage(), List.of());
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: dataset preparation failed", id);
            gate.fail(
                    id, request, ErrorCodes.INTERNAL, "dataset preparation failed: " + e.getMessage(), List.of(), true);
        } finally {
            journal.finish(id);
        }
    }
}

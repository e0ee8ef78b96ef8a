package org.lorapipe.dataset.messaging;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.dataset.PreparationService;
import org.lorapipe.service.jobs.StageRunner;
import org.lorapipe.service.messaging.Channels;
import org.lorapipe.service.messaging.EventPublisher;
import org.lorapipe.service.messaging.InboundGate;

/**
 * Consumes {@code lora.training.requested}: invalid input is answered at the door by
 * {@link InboundGate}; a valid request is journalled, acknowledged, and its dataset prepared on a worker
 * ({@link StageRunner}), ending with {@code lora.dataset.prepared} or {@code lora.pipeline.failed}.
 * After a restart, a redelivered request reuses the dataset already published.
 */
@ApplicationScoped
public class TrainingRequestConsumer {
    private final InboundGate gate;
    private final EventParser parser;
    private final StageRunner runner;
    private final PreparationService preparation;
    private final EventPublisher publisher;

    public TrainingRequestConsumer(
            InboundGate gate,
            EventParser parser,
            StageRunner runner,
            PreparationService preparation,
            EventPublisher publisher) {
        this.gate = gate;
        this.parser = parser;
        this.runner = runner;
        this.preparation = preparation;
        this.publisher = publisher;
    }

    @Incoming(Channels.INBOUND)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        gate.admit(record, json -> parser.requests().parse(json)).ifPresent(this::accept);
    }

    /** Re-runs the jobs that were accepted but not finished when the service stopped. */
    public void resume(@Observes StartupEvent event) {
        runner.resume(json -> accept(parser.requests().parse(json)));
    }

    private void accept(TrainingRequest request) {
        runner.accept(
                request,
                Json.write(request),
                "curating and tokenizing " + request.dataset().uri(),
                () -> prepare(request));
    }

    private String prepare(TrainingRequest request) {
        DatasetManifest manifest = preparation.prepare(request);
        String folder = preparation.datasetFolder(request.requestId()).toString();
        publisher
                .publish(Topics.DATASET_PREPARED, DatasetPrepared.of(request, folder, manifest))
                .toCompletableFuture()
                .join();
        return manifest.recordsOut() + " records, " + manifest.trainExamples() + " train / "
                + manifest.validationExamples() + " validation examples at " + folder;
    }
}

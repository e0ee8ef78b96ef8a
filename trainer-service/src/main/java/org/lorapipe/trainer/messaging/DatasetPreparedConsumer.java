package org.lorapipe.trainer.messaging;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.json.Json;
import org.lorapipe.service.jobs.StageRunner;
import org.lorapipe.service.messaging.Channels;
import org.lorapipe.service.messaging.EventPublisher;
import org.lorapipe.service.messaging.InboundGate;
import org.lorapipe.trainer.TrainingService;
import org.lorapipe.trainer.config.TrainerConfig;

/**
 * Consumes {@code lora.dataset.prepared}: the job is journalled before the record is acknowledged and
 * trains on a worker, sending {@code lora.training.progress} as it goes and ending with
 * {@code lora.adapter.trained} or {@code lora.pipeline.failed}. At start-up, journalled jobs run again
 * and continue from their last checkpoint (a crashed trainer resumes without anyone resending events).
 */
@ApplicationScoped
public class DatasetPreparedConsumer {
    private final InboundGate gate;
    private final EventParser parser;
    private final StageRunner runner;
    private final TrainingService training;
    private final EventPublisher publisher;
    private final TrainerConfig config;

    public DatasetPreparedConsumer(
            InboundGate gate,
            EventParser parser,
            StageRunner runner,
            TrainingService training,
            EventPublisher publisher,
            TrainerConfig config) {
        this.gate = gate;
        this.parser = parser;
        this.runner = runner;
        this.training = training;
        this.publisher = publisher;
        this.config = config;
    }

    @Incoming(Channels.INBOUND)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        gate.admit(record, json -> parser.parse(json, DatasetPrepared.class)).ifPresent(this::accept);
    }

    /** PyTorch reads its thread count once, when the engine starts: set it before any job runs. */
    void threads(@Observes @Priority(1) StartupEvent event) {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(config.torchThreads()));
        }
    }

    /** Re-runs the jobs that were accepted but not finished when the service stopped. */
    public void resume(@Observes StartupEvent event) {
        runner.resume(json -> accept(parser.parse(json, DatasetPrepared.class)));
    }

    private void accept(DatasetPrepared event) {
        runner.accept(event.request(), Json.write(event), "training on " + event.datasetUri(), () -> train(event));
    }

    private String train(DatasetPrepared event) {
        AdapterTrained trained =
                training.train(event, progress -> publisher.publish(Topics.TRAINING_PROGRESS, progress));
        publisher.publish(Topics.ADAPTER_TRAINED, trained).toCompletableFuture().join();
        return String.format(
                Locale.ROOT,
                "adapter at %s: train loss %.4f, %,.0f tokens/s",
                trained.adapterUri(),
                trained.metrics().trainLoss(),
                trained.metrics().tokensPerSecond());
    }
}

package org.lorapipe.eval.messaging;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.json.Json;
import org.lorapipe.eval.EvaluationService;
import org.lorapipe.eval.config.EvalConfig;
import org.lorapipe.service.jobs.StageRunner;
import org.lorapipe.service.messaging.Channels;
import org.lorapipe.service.messaging.EventPublisher;
import org.lorapipe.service.messaging.InboundGate;

/**
 * Consumes {@code lora.adapter.trained}: the job is journalled, acknowledged and run on a worker
 * ({@link StageRunner}), ending with {@code lora.evaluation.completed} or {@code lora.pipeline.failed}.
 */
@ApplicationScoped
public class AdapterTrainedConsumer {
    private final InboundGate gate;
    private final EventParser parser;
    private final StageRunner runner;
    private final EvaluationService evaluation;
    private final EventPublisher publisher;
    private final EvalConfig config;

    public AdapterTrainedConsumer(
            InboundGate gate,
            EventParser parser,
            StageRunner runner,
            EvaluationService evaluation,
            EventPublisher publisher,
            EvalConfig config) {
        this.gate = gate;
        this.parser = parser;
        this.runner = runner;
        this.evaluation = evaluation;
        this.publisher = publisher;
        this.config = config;
    }

    @Incoming(Channels.INBOUND)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        gate.admit(record, json -> parser.parse(json, AdapterTrained.class)).ifPresent(this::accept);
    }

    /** PyTorch reads its thread count once, when the engine starts: set it before any job runs. */
    void threads(@Observes @Priority(1) StartupEvent event) {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(config.torchThreads()));
        }
    }

    /** Re-runs the jobs that were accepted but not finished when the service stopped. */
    public void resume(@Observes StartupEvent event) {
        runner.resume(json -> accept(parser.parse(json, AdapterTrained.class)));
    }

    private void accept(AdapterTrained event) {
        runner.accept(event.request(), Json.write(event), "evaluating " + event.adapterUri(), () -> evaluate(event));
    }

    private String evaluate(AdapterTrained event) {
        EvaluationCompleted completed = evaluation.evaluate(event);
        publisher
                .publish(Topics.EVALUATION_COMPLETED, completed)
                .toCompletableFuture()
                .join();
        return "report at " + completed.reportUri() + ": " + completed.results().keySet();
    }
}

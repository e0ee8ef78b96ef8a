package org.lorapipe.merge.messaging;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.json.Json;
import org.lorapipe.merge.MergeService;
import org.lorapipe.merge.QualityGate;
import org.lorapipe.merge.domain.MergeException;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.service.jobs.StageFailure;
import org.lorapipe.service.jobs.StageRunner;
import org.lorapipe.service.messaging.Channels;
import org.lorapipe.service.messaging.EventPublisher;
import org.lorapipe.service.messaging.InboundGate;

/**
 * Consumes {@code lora.evaluation.completed}: invalid input is answered at the door by {@link InboundGate};
 * a valid event is journalled, acknowledged and handled on a worker ({@link StageRunner}). There the
 * {@link QualityGate} decides first: a run that must not be merged ends with {@code lora.model.merged}
 * {@code merged: false} and the reason, a gate naming results the event lacks with
 * {@code lora.pipeline.failed} {@code INVALID_INPUT}; otherwise the adapter is merged, checked and published
 * ({@link MergeService}) and {@code lora.model.merged} announces it. Failures: a missing base model or
 * adapter is {@code INPUT_NOT_FOUND}, an adapter that does not fit its base {@code INVALID_INPUT} (neither
 * retriable), storage trouble {@code INFRASTRUCTURE} and anything else {@code INTERNAL} (both retriable).
 * After a restart, a redelivered event re-emits the published result instead of merging again.
 */
@ApplicationScoped
public class EvaluationCompletedConsumer {
    private static final Logger LOG = Logger.getLogger(EvaluationCompletedConsumer.class);

    private final InboundGate gate;
    private final EventParser parser;
    private final StageRunner runner;
    private final MergeService merges;
    private final EventPublisher publisher;

    public EvaluationCompletedConsumer(
            InboundGate gate, EventParser parser, StageRunner runner, MergeService merges, EventPublisher publisher) {
        this.gate = gate;
        this.parser = parser;
        this.runner = runner;
        this.merges = merges;
        this.publisher = publisher;
    }

    @Incoming(Channels.INBOUND)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        gate.admit(record, json -> parser.parse(json, EvaluationCompleted.class))
                .ifPresent(this::accept);
    }

    /** Re-runs the jobs that were accepted but not finished when the service stopped. */
    public void resume(@Observes StartupEvent event) {
        runner.resume(json -> accept(parser.parse(json, EvaluationCompleted.class)));
    }

    private void accept(EvaluationCompleted event) {
        runner.accept(
                event.request(),
                Json.write(event),
                "merging " + event.adapterUri() + " into " + event.request().baseModel(),
                () -> handle(event));
    }

    private String handle(EvaluationCompleted event) {
        String id = event.requestId();
        QualityGate.Decision decision = QualityGate.decide(event.request().merge(), event.results());
        if (decision instanceof QualityGate.Invalid invalid) {
            throw new StageFailure(ErrorCodes.INVALID_INPUT, invalid.message(), false);
        }
        if (decision instanceof QualityGate.Skip skip) {
            LOG.infof("%s: not merged: %s", id, skip.reason());
            ModelMerged skipped = notMerged(event, skip.reason());
            merges.recordNotMerged(skipped); // durable, for `lora pull`, before it is announced
            publish(skipped);
            return "not merged: " + skip.reason();
        }
        DjlRuntime.inferenceMode(); // grad mode is per thread: off on this worker
        ModelMerged merged;
        try {
            merged = merges.merge(event);
        } catch (MergeException | ModelFormatException e) {
            LOG.infof("%s: %s", id, e.getMessage());
            throw new StageFailure(ErrorCodes.INVALID_INPUT, e.getMessage(), false);
        }
        publish(merged);
        return "merged model at " + merged.modelUri() + " (" + merged.files().size() + " files, max |logit diff| "
                + merged.verification().maxAbsLogitDiff() + ")";
    }

    private void publish(ModelMerged event) {
        publisher.publish(Topics.MODEL_MERGED, event).toCompletableFuture().join();
    }

    private static ModelMerged notMerged(EvaluationCompleted event, String reason) {
        return new ModelMerged(
                PipelineEvent.SCHEMA_VERSION,
                event.requestId(),
                Instant.now(),
                event.request(),
                null,
                null,
                null,
                null,
                false,
                reason);
    }
}

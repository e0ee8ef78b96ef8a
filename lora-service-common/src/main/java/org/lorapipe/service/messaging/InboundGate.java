package org.lorapipe.service.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.NotJsonException;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.service.config.ServiceConfig;
import org.lorapipe.service.jobs.JobRegistry;

/**
 * The door of every stage: decodes an incoming record and lets a valid event through. Anything else
 * is never silently dropped: an invalid event yields one {@code lora.pipeline.failed} listing every
 * problem, and a record that is not JSON at all also goes, bytes unchanged, to {@code lora.dead-letter}.
 * It waits until those records are on the broker, so the input is acknowledged only after its outcome
 * is durable; run it on a worker thread ({@code @Blocking}).
 */
@ApplicationScoped
public class InboundGate {
    private static final Logger LOG = Logger.getLogger(InboundGate.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final EventPublisher publisher;
    private final JobRegistry jobs;
    private final Stage stage;

    public InboundGate(EventPublisher publisher, JobRegistry jobs, ServiceConfig config) {
        this.publisher = publisher;
        this.jobs = jobs;
        this.stage = Stage.valueOf(config.stage().toUpperCase(java.util.Locale.ROOT));
    }

    /** The decoded event, or empty after the failure has been published. */
    public <T> Optional<T> admit(ConsumerRecord<String, byte[]> record, Function<String, T> parser) {
        byte[] bytes = record.value() == null ? new byte[0] : record.value();
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            return Optional.of(parser.apply(text));
        } catch (NotJsonException e) {
            LOG.warnf(
                    "record at %s-%d@%d is not JSON: sent to %s",
                    record.topic(), record.partition(), record.offset(), Topics.DEAD_LETTER);
            await(publisher.deadLetter(record.key(), bytes, e.getMessage(), record.topic()));
            fail(record.key(), null, ErrorCodes.NOT_JSON, e.getMessage(), List.of());
        } catch (InvalidRequestException e) {
            String id = e.requestId() != null ? e.requestId() : record.key();
            LOG.infof("refused %s: %s", id, e.getMessage());
            fail(id, null, ErrorCodes.INVALID_REQUEST, e.getMessage(), e.problems());
        }
        return Optional.empty();
    }

    /**
     * Publishes {@code lora.pipeline.failed} for a request and records it in the job view.
     *
     * @param request the parsed request, when there is one (it travels with the failure)
     */
    public void fail(String requestId, TrainingRequest request, String code, String message, List<String> problems) {
        fail(requestId, request, code, message, problems, false);
    }

    public void fail(
            String requestId,
            TrainingRequest request,
            String code,
            String message,
            List<String> problems,
            boolean retriable) {
        PipelineFailed failed = PipelineFailed.of(requestId, request, stage, code, message, retriable, problems);
        await(publisher.publish(Topics.PIPELINE_FAILED, requestId, org.lorapipe.contract.json.Json.write(failed)));
        if (requestId != null) {
            jobs.failed(requestId, message);
        }
    }

    private static void await(java.util.concurrent.CompletionStage<Void> sent) {
        try {
            sent.toCompletableFuture().get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to Kafka within " + SEND_TIMEOUT.toSeconds() + " s", e);
        }
    }
}

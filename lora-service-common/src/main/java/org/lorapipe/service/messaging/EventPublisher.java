package org.lorapipe.service.messaging;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.service.config.ServiceConfig;

/**
 * Sends the events that are not a stage's outcome (training progress, requests taken in over HTTP):
 * JSON value, {@code requestId} as key (so one run stays in one partition), CloudEvents headers. The
 * returned stage completes when the broker has the record. Outcomes go in the stage consumer's
 * transaction instead ({@code StageConsumer}).
 */
@ApplicationScoped
public class EventPublisher {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    /** How long a request taken in over HTTP waits for the broker before the call fails. */
    public static final Duration REQUEST_ACK_TIMEOUT = Duration.ofSeconds(30);

    private final Emitter<String> events;
    private final String source;

    public EventPublisher(@Channel(Channels.EVENTS) Emitter<String> events, ServiceConfig config) {
        this.events = events;
        this.source = "/lora/" + config.name();
    }

    /** Publishes {@code event} on {@code topic}, keyed by its requestId. */
    public CompletionStage<Void> publish(String topic, PipelineEvent event) {
        return publish(topic, event.requestId(), Json.write(event));
    }

    /** Publishes a JSON value on {@code topic} under {@code key} (which may be null for keyless input). */
    public CompletionStage<Void> publish(String topic, String key, String json) {
        return publish(topic, key, json, null);
    }

    /**
     * Publishes a training request taken in over the HTTP API on {@code lora.training.requested}, keyed by
     * its id, as {@code principal} (the run's owner), and waits until the broker has it: the HTTP answer
     * says it is on the topic. Fails after {@link #REQUEST_ACK_TIMEOUT}.
     */
    public void submit(TrainingRequest request, String principal)
            throws InterruptedException, ExecutionException, TimeoutException {
        publish(Topics.TRAINING_REQUESTED, request.requestId(), Json.write(request), principal)
                .toCompletableFuture()
                .get(REQUEST_ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The same, naming the principal that sent it ({@link PrincipalHeader}) when {@code principal} is not
     * null: a request taken in over the authenticated HTTP API.
     */
    public CompletionStage<Void> publish(String topic, String key, String json, String principal) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Headers headers = CloudEventHeaders.of(topic, source);
        if (principal != null) {
            PrincipalHeader.put(headers, principal);
        }
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic)
                .withKey(key)
                .withHeaders(headers)
                .build();
        events.send(Message.of(
                json,
                Metadata.of(metadata),
                () -> {
                    sent.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    LOG.errorf(failure, "could not publish to %s for %s", topic, key);
                    sent.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return sent;
    }
}

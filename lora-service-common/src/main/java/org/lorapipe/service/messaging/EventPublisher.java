package org.lorapipe.service.messaging;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.json.Json;
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
        CompletableFuture<Void> sent = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic)
                .withKey(key)
                .withHeaders(CloudEventHeaders.of(topic, source))
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

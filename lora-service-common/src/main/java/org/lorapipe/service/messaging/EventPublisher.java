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
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.json.Json;
import org.lorapipe.service.config.ServiceConfig;

/**
 * Sends the pipeline's events: JSON value, {@code requestId} as key (so one run stays in one
 * partition), CloudEvents headers. The returned stage completes when the broker has the record, so a
 * caller can acknowledge its input only once the outcome is durable.
 */
@ApplicationScoped
public class EventPublisher {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    private final Emitter<String> events;
    private final Emitter<byte[]> deadLetters;
    private final String source;

    public EventPublisher(
            @Channel(Channels.EVENTS) Emitter<String> events,
            @Channel(Channels.DEAD_LETTER) Emitter<byte[]> deadLetters,
            ServiceConfig config) {
        this.events = events;
        this.deadLetters = deadLetters;
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

    /** Sends the original bytes of a record that is not JSON to {@code lora.dead-letter}. */
    public CompletionStage<Void> deadLetter(String key, byte[] original, String reason, String fromTopic) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        var headers = CloudEventHeaders.of(Topics.DEAD_LETTER, source, "application/octet-stream");
        headers.add("lora_reason", reason.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        headers.add("lora_original_topic", fromTopic.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.DEAD_LETTER)
                .withKey(key)
                .withHeaders(headers)
                .build();
        deadLetters.send(Message.of(
                original == null ? new byte[0] : original,
                Metadata.of(metadata),
                () -> {
                    sent.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    sent.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return sent;
    }
}

package org.lorapipe.service.consumer;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.json.Json;
import org.lorapipe.service.messaging.CloudEventHeaders;

/**
 * One record an input's outcome consists of (the stage's event, a failure event, a dead letter), before
 * it is sent in the outcome's transaction.
 *
 * @param key the requestId (null only for a keyless record that is not JSON)
 * @param extraHeaders headers beyond the CloudEvents ones, e.g. a dead letter's reason
 */
public record OutgoingEvent(
        String topic, String key, byte[] value, String contentType, Map<String, String> extraHeaders) {

    /** A pipeline event as JSON, keyed by its requestId. */
    public static OutgoingEvent of(String topic, PipelineEvent event) {
        return json(topic, event.requestId(), event);
    }

    /** Any contract record (a request, a sweep's events) as JSON under {@code key}. */
    public static OutgoingEvent json(String topic, String key, Object value) {
        return new OutgoingEvent(
                topic, key, Json.write(value).getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
    }

    /** This record with {@code headers} added to its extra headers (e.g. the trace context). */
    public OutgoingEvent withHeaders(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return this;
        }
        Map<String, String> all = new LinkedHashMap<>(extraHeaders);
        all.putAll(headers);
        return new OutgoingEvent(topic, key, value, contentType, Map.copyOf(all));
    }

    /**
     * The Kafka record, with CloudEvents headers whose {@code ce_id} is {@code eventId}: stable for one
     * input record, so a consumer outside the pipeline can deduplicate too.
     */
    public ProducerRecord<String, byte[]> toRecord(String source, String eventId) {
        var headers = CloudEventHeaders.of(topic, source, contentType, eventId);
        extraHeaders.forEach((name, v) -> headers.add(name, v.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(topic, null, key, value, headers);
    }
}

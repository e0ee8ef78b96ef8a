package org.lorapipe.service.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * CloudEvents binary-mode headers for an outgoing record ({@code ce_specversion}, {@code ce_id},
 * {@code ce_type} = topic, {@code ce_source}, {@code ce_time}), as the contract promises. Incoming
 * records are accepted with or without them.
 */
public final class CloudEventHeaders {
    private CloudEventHeaders() {}

    /** Headers of a JSON event. */
    public static Headers of(String topic, String source) {
        return of(topic, source, "application/json", UUID.randomUUID().toString());
    }

    /** Headers of a record with a given {@code ce_id} (an outcome's stable id, see {@code EventIds}). */
    public static Headers of(String topic, String source, String contentType, String id) {
        RecordHeaders headers = new RecordHeaders();
        put(headers, "ce_specversion", "1.0");
        put(headers, "ce_id", id);
        put(headers, "ce_type", topic);
        put(headers, "ce_source", source);
        put(headers, "ce_time", Instant.now().toString());
        put(headers, "content-type", contentType);
        return headers;
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}

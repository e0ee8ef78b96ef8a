package org.lorapipe.service.consumer;

import org.apache.kafka.common.TopicPartition;
import org.lorapipe.contract.Stage;

/**
 * The CloudEvents {@code ce_id} of an outcome record: {@code {requestId}/{stage}/{topic}/{input}-{partition}-{offset}}.
 * It names the input record the outcome answers (the attempt), so a record processed twice (its first
 * owner died before committing) yields the same id both times, and a request sent again yields a new
 * one.
 */
public final class EventIds {
    private EventIds() {}

    public static String of(String requestId, Stage stage, String topic, TopicPartition input, long offset) {
        return (requestId == null ? "-" : requestId) + "/" + stage.wire() + "/" + topic + "/" + input.topic() + "-"
                + input.partition() + "-" + offset;
    }
}

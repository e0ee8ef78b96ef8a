package org.lorapipe.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The lag gauge: end offsets minus the group's committed offsets, over the partitions owned. */
class ConsumerLagTest {
    private static final TopicPartition P0 = new TopicPartition("lora.dataset.prepared", 0);
    private static final TopicPartition P1 = new TopicPartition("lora.dataset.prepared", 1);

    @Test
    void theLagIsWhatTheGroupHasNotCommittedOnThePartitionsItOwns() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ConsumerLag lag = new ConsumerLag(meters, "lora-trainer", Duration.ZERO);
        MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
        lag.measure(consumer);
        assertThat(lag.value()).as("no partitions, no lag").isZero();

        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 2L));
        consumer.updateEndOffsets(Map.of(P0, 7L, P1, 5L));
        consumer.commitSync(Map.of(P0, new OffsetAndMetadata(4)));
        lag.measure(consumer);
        assertThat(lag.value())
                .as("P0: 7 - 4 committed; P1: nothing committed, from its first record 2")
                .isEqualTo(3 + 3);
        assertThat(meters.get(ConsumerLag.LAG)
                        .tag(ConsumerLag.GROUP, "lora-trainer")
                        .gauge()
                        .value())
                .isEqualTo(6);
    }
}

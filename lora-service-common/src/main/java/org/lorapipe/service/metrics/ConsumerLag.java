package org.lorapipe.service.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * {@code lora_kafka_consumer_lag{group}}: the records of the partitions this replica owns that its
 * consumer group has not committed yet (end offset, for {@code read_committed} the last stable one,
 * minus the committed offset), the running jobs' own records included. Summed over the replicas of a
 * group it is the lag KEDA scales on.
 *
 * <p>Measured from the broker, not from the consumer's fetch statistics (Kafka's {@code records-lag-max},
 * Micrometer's {@code KafkaClientMetrics}): a stage pauses every partition while its workers are busy,
 * and a paused partition is not fetched, so those statistics go blank exactly when work is queueing.
 * {@link #measure} runs on the consumer's own thread (a Kafka consumer is not thread-safe), at most
 * once per {@link #INTERVAL}.
 */
public final class ConsumerLag {
    public static final String LAG = "lora.kafka.consumer.lag";
    public static final String GROUP = "group";
    /** How often the offsets are looked up: two small broker requests. */
    public static final Duration INTERVAL = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(ConsumerLag.class);
    private static final Duration LOOKUP = Duration.ofSeconds(3);

    private final AtomicLong lag = new AtomicLong();
    private final long intervalMs;
    private long next;

    public ConsumerLag(MeterRegistry meters, String group) {
        this(meters, group, INTERVAL);
    }

    public ConsumerLag(MeterRegistry meters, String group, Duration interval) {
        this.intervalMs = interval.toMillis();
        Gauge.builder(LAG, lag, AtomicLong::get)
                .description("Records of the partitions this replica owns not yet committed by its consumer group")
                .tag(GROUP, group)
                .register(meters);
    }

    /** The last value measured. */
    public long value() {
        return lag.get();
    }

    /** On the consumer's thread: looks the offsets up again when {@link #INTERVAL} has passed. */
    public void measure(Consumer<?, ?> consumer) {
        long now = System.currentTimeMillis();
        if (now < next) {
            return;
        }
        next = now + intervalMs;
        Set<TopicPartition> owned = consumer.assignment();
        if (owned.isEmpty()) {
            lag.set(0);
            return;
        }
        try {
            Map<TopicPartition, Long> end = consumer.endOffsets(owned, LOOKUP);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(owned, LOOKUP);
            Map<TopicPartition, Long> start = null;
            long total = 0;
            for (TopicPartition tp : owned) {
                Long last = end.get(tp);
                if (last == null) {
                    continue;
                }
                OffsetAndMetadata at = committed.get(tp);
                long from;
                if (at != null) {
                    from = at.offset();
                } else { // nothing committed yet: the group starts at the earliest record
                    if (start == null) {
                        start = consumer.beginningOffsets(owned, LOOKUP);
                    }
                    from = start.getOrDefault(tp, 0L);
                }
                total += Math.max(0, last - from);
            }
            lag.set(total);
        } catch (KafkaException | IllegalStateException e) {
            // a metric never stops the loop: the gauge keeps its last value
            LOG.debugf("could not measure the consumer lag (%s); next time", e.toString());
        }
    }
}

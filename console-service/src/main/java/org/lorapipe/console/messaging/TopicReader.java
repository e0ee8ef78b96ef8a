package org.lorapipe.console.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;
import org.lorapipe.console.domain.RunBoard;
import org.lorapipe.service.messaging.PrincipalHeader;

/**
 * Feeds the {@link RunBoard} from Kafka: one plain consumer {@code assign}s every partition of the
 * topics the console shows and reads them from the beginning, {@code read_committed}, with no consumer
 * group and no commits. Every replica of the console so rebuilds the same view from the same records;
 * Kafka is the only source of truth and nothing is coordinated. Partitions added to a topic later are
 * picked up within a minute. The service is ready ({@link #caughtUp()}) once it has read up to the end
 * offsets it found at start.
 */
@ApplicationScoped
public class TopicReader {
    private static final Logger LOG = Logger.getLogger(TopicReader.class);
    private static final Duration RECHECK = Duration.ofSeconds(60);

    private final RunBoard board;
    private final Map<String, Object> kafkaClientProperties;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile String lastError;
    private Thread thread;

    public TopicReader(RunBoard board, @Identifier("default-kafka-broker") Map<String, Object> kafkaClientProperties) {
        this.board = board;
        this.kafkaClientProperties = kafkaClientProperties;
    }

    void start(@Observes StartupEvent event) {
        thread = new Thread(this::loop, "console-topic-reader");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.join(10_000);
        }
    }

    /** True once every record that existed at start has been applied. */
    public boolean caughtUp() {
        return caughtUp;
    }

    public String lastError() {
        return lastError;
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> props = new HashMap<>();
        kafkaClientProperties.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k) || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                props.put(k, v);
            }
        });
        props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign(), no group: nothing is committed
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "console-service-reader");
        return props;
    }

    private void loop() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProperties())) {
                consumer = c;
                read(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                lastError = e.toString();
                LOG.warnf("reading the topics failed, starting again in 5 s: %s", e);
                sleep(5000);
            }
        }
    }

    private void read(KafkaConsumer<String, byte[]> c) {
        Set<TopicPartition> assigned = new HashSet<>();
        Map<TopicPartition, Long> startEnds = null;
        long nextCheck = System.nanoTime();
        while (running) {
            if (System.nanoTime() >= nextCheck) {
                List<TopicPartition> found = partitions(c);
                if (!assigned.containsAll(found) || assigned.isEmpty()) {
                    List<TopicPartition> added = new ArrayList<>(found);
                    added.removeAll(assigned);
                    assigned.addAll(found);
                    c.assign(assigned);
                    c.seekToBeginning(added);
                    LOG.infof(
                            "reading %d partition(s) of %d topic(s) from the beginning",
                            assigned.size(), RunBoard.TOPICS.size());
                }
                if (startEnds == null && !assigned.isEmpty()) {
                    startEnds = c.endOffsets(assigned);
                }
                nextCheck = System.nanoTime() + (assigned.isEmpty() ? Duration.ofSeconds(2) : RECHECK).toNanos();
            }
            if (assigned.isEmpty()) {
                sleep(500);
                continue;
            }
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
                board.apply(
                        r.topic(),
                        r.key(),
                        value,
                        PrincipalHeader.of(r.headers()),
                        java.time.Instant.ofEpochMilli(r.timestamp()));
            }
            if (!caughtUp && startEnds != null) {
                boolean all = true;
                for (Map.Entry<TopicPartition, Long> e : startEnds.entrySet()) {
                    if (c.position(e.getKey()) < e.getValue()) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    caughtUp = true;
                    LOG.infof("caught up: %d run(s) from %d record(s)", board.size(), board.applied());
                }
            }
            lastError = null;
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : RunBoard.TOPICS) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null) {
                infos.forEach(p -> out.add(new TopicPartition(p.topic(), p.partition())));
            }
        }
        return out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

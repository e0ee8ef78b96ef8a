package org.lorapipe.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A plain Kafka producer and consumer for tests that drive services through the real broker.
 *
 * <p>Each instance consumes with its own {@code group.id} (never a service's group: a test
 * consumer in a service's group would steal its records) and starts at the earliest offset, so a
 * record sent before the first {@code poll} is still seen. Records that do not match what a test
 * waits for are kept, per topic, for later calls; records that match are handed out once.
 *
 * <p>Because the broker may be shared by several test classes and the group starts at the
 * earliest offset, topics can hold records of earlier tests: match on a key or id unique to the
 * test. Not thread-safe (like the Kafka consumer it wraps): use one per test thread.
 */
public final class KafkaTestClient implements AutoCloseable {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final String groupId;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Set<String> subscribed = new LinkedHashSet<>();
    private final Map<String, List<ConsumerRecord<String, String>>> unclaimed = new HashMap<>();

    public KafkaTestClient(String bootstrapServers) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.groupId = "lora-test-" + UUID.randomUUID();

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);

        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // what the pipeline promises: aborted outcomes of a replica that died mid-transaction are never seen
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(c);
    }

    /** For a {@link LocalInfra}. */
    public static KafkaTestClient forInfra(LocalInfra infra) {
        return new KafkaTestClient(infra.bootstrapServers());
    }

    public String groupId() {
        return groupId;
    }

    /** Sends a UTF-8 value and waits for the broker's acknowledgement. */
    public RecordMetadata send(String topic, String key, String value) {
        return send(topic, key, value, Map.of());
    }

    /** Sends a UTF-8 value with string headers and waits for the acknowledgement. */
    public RecordMetadata send(String topic, String key, String value, Map<String, String> headers) {
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(topic, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        return sendAndWait(record);
    }

    /** Sends arbitrary bytes (e.g. a poison message that is not valid JSON or UTF-8). */
    public RecordMetadata sendRaw(String topic, String key, byte[] value) {
        return sendAndWait(new ProducerRecord<>(topic, key, value));
    }

    private RecordMetadata sendAndWait(ProducerRecord<String, byte[]> record) {
        try {
            return producer.send(record).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + record.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot send to topic " + record.topic() + " on " + bootstrapServers + ": " + e, e);
        }
    }

    /**
     * Waits until at least one record on {@code topic} matches, then returns every matching record
     * received so far (each handed out once).
     *
     * @throws AssertionError after {@code timeout}, listing the records that did not match
     */
    public List<ConsumerRecord<String, String>> poll(
            String topic, Predicate<ConsumerRecord<String, String>> predicate, Duration timeout) {
        subscribe(topic);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ConsumerRecord<String, String>> matches = claim(topic, predicate);
            if (!matches.isEmpty()) {
                return matches;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new AssertionError(
                        "no record on topic " + topic + " matched within " + timeout + "; " + describeUnclaimed(topic));
            }
            fetch(Duration.ofNanos(Math.min(remaining, Duration.ofMillis(200).toNanos())));
        }
    }

    /** The first record on {@code topic} with this key. */
    public ConsumerRecord<String, String> awaitRecord(String topic, String key, Duration timeout) {
        return poll(topic, r -> Objects.equals(key, r.key()), timeout).get(0);
    }

    /**
     * Every record arriving on {@code topic} within {@code window} (possibly none): for asserting
     * that something was NOT sent.
     */
    public List<ConsumerRecord<String, String>> drain(String topic, Duration window) {
        subscribe(topic);
        long deadline = System.nanoTime() + window.toNanos();
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            fetch(Duration.ofNanos(Math.min(remaining, Duration.ofMillis(200).toNanos())));
        }
        return claim(topic, r -> true);
    }

    /**
     * Every record arriving on any of {@code topics} within one {@code window}, by topic: one
     * subscription change for them all, instead of one window (and one rebalance) per topic.
     */
    public Map<String, List<ConsumerRecord<String, String>>> drainAll(List<String> topics, Duration window) {
        if (subscribed.addAll(topics)) {
            consumer.subscribe(List.copyOf(subscribed));
        }
        long deadline = System.nanoTime() + window.toNanos();
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            fetch(Duration.ofNanos(Math.min(remaining, Duration.ofMillis(200).toNanos())));
        }
        Map<String, List<ConsumerRecord<String, String>>> out = new java.util.LinkedHashMap<>();
        topics.forEach(t -> out.put(t, claim(t, r -> true)));
        return out;
    }

    private void subscribe(String topic) {
        if (subscribed.add(topic)) {
            consumer.subscribe(List.copyOf(subscribed));
        }
    }

    private void fetch(Duration timeout) {
        for (ConsumerRecord<String, String> r : consumer.poll(timeout)) {
            unclaimed.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r);
        }
    }

    private List<ConsumerRecord<String, String>> claim(
            String topic, Predicate<ConsumerRecord<String, String>> predicate) {
        List<ConsumerRecord<String, String>> matches = new ArrayList<>();
        Iterator<ConsumerRecord<String, String>> it =
                unclaimed.getOrDefault(topic, List.of()).iterator();
        while (it.hasNext()) {
            ConsumerRecord<String, String> r = it.next();
            if (predicate.test(r)) {
                matches.add(r);
                it.remove();
            }
        }
        return matches;
    }

    private String describeUnclaimed(String topic) {
        List<ConsumerRecord<String, String>> seen = unclaimed.getOrDefault(topic, List.of());
        if (seen.isEmpty()) {
            return "no records arrived on it at all (group " + groupId + ")";
        }
        StringBuilder sb = new StringBuilder(seen.size() + " other record(s) arrived:");
        seen.stream()
                .limit(10)
                .forEach(r ->
                        sb.append("\n  key=").append(r.key()).append(" value=").append(abbreviate(r.value())));
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    @Override
    public void close() {
        try {
            producer.close(Duration.ofSeconds(5));
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}

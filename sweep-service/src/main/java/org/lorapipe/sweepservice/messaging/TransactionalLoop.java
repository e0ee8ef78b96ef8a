package org.lorapipe.sweepservice.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;
import org.lorapipe.service.consumer.JobFailures;
import org.lorapipe.service.consumer.KafkaClients;
import org.lorapipe.service.consumer.OutgoingEvent;
import org.lorapipe.service.metrics.ConsumerLag;

/**
 * Consume-transform-produce over one consumer group: each record's answer and its offset are committed
 * in ONE Kafka transaction, so a {@code read_committed} reader sees every answer exactly once however
 * often the replica dies or the partitions move. The sweep-service's work per record is short (a few
 * small objects read and written), so it is done on the loop's thread; a record whose storage does not
 * answer is sought back to and tried again after a pause, polling on in between.
 */
public final class TransactionalLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TransactionalLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final String name;
    private final List<String> topics;
    private final String source;
    private final KafkaClients clients;
    private final RecordHandler handler;
    private final ConsumerLag lag;

    // loop thread only
    private Consumer<String, byte[]> consumer;
    private Producer<String, byte[]> producer;
    private int failures;
    private long retryAt;

    private volatile boolean closing;
    private volatile Thread loop;
    private volatile Throwable loopFailure;

    /**
     * @param name for logs and the thread, e.g. {@code sweep-requests}
     * @param source the CloudEvents {@code ce_source} of what it publishes
     * @param lag the group's lag, measured on the loop thread for {@code /q/metrics}
     */
    public TransactionalLoop(
            String name,
            List<String> topics,
            String source,
            KafkaClients clients,
            RecordHandler handler,
            ConsumerLag lag) {
        this.name = name;
        this.lag = lag;
        this.topics = List.copyOf(topics);
        this.source = source;
        this.clients = clients;
        this.handler = handler;
    }

    public synchronized void start() {
        if (loop != null) {
            throw new IllegalStateException("already started");
        }
        Thread t = new Thread(this::run, "lora-" + name);
        t.setDaemon(true);
        loop = t;
        t.start();
    }

    /** Whether the loop thread runs (false after it died of an unexpected error). */
    public boolean alive() {
        Thread t = loop;
        return t != null && t.isAlive() && loopFailure == null;
    }

    private void run() {
        try {
            clients.prepare();
            consumer = clients.consumer();
            producer = clients.producer();
            producer.initTransactions();
            consumer.subscribe(topics, new Rebalance());
            while (!closing) {
                try {
                    runOnce();
                } catch (WakeupException e) {
                    // close() woke the poll
                } catch (KafkaException e) {
                    LOG.warnf("%s: Kafka trouble (%s); going on", name, e.toString());
                    pause(1_000);
                }
            }
        } catch (Throwable t) {
            loopFailure = t;
            LOG.errorf(t, "the %s loop stopped", name);
        } finally {
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(5));
            }
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        }
    }

    private void runOnce() {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        lag.measure(consumer);
        if (System.currentTimeMillis() < retryAt) {
            rewind(records); // still waiting before trying a record again
            return;
        }
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(tp)) {
                if (!process(tp, record)) {
                    consumer.seek(tp, record.offset()); // fetched again on a later poll
                    break;
                }
            }
        }
    }

    /** Seeks every partition of {@code records} back to its first record, to be fetched again. */
    private void rewind(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
        }
    }

    /** Answers one record; false when it must be tried again later. */
    private boolean process(TopicPartition tp, ConsumerRecord<String, byte[]> record) {
        List<OutgoingEvent> answer;
        try {
            answer = handler.handle(record);
        } catch (RuntimeException e) {
            if (JobFailures.isTransient(e)) {
                long backoff = Math.min(MAX_BACKOFF_MS, 1_000L << Math.min(failures++, 5));
                LOG.warnf(
                        "%s: %s-%d@%d: %s; trying again in %d s",
                        name, tp.topic(), tp.partition(), record.offset(), e.getMessage(), backoff / 1000);
                retryAt = System.currentTimeMillis() + backoff;
                return false;
            }
            LOG.errorf(e, "%s: %s-%d@%d could not be handled", name, tp.topic(), tp.partition(), record.offset());
            answer = handler.failed(record, e);
        }
        failures = 0;
        return commit(tp, record, answer);
    }

    private boolean commit(TopicPartition tp, ConsumerRecord<String, byte[]> record, List<OutgoingEvent> answer) {
        try {
            producer.beginTransaction();
            int i = 0;
            for (OutgoingEvent e : answer) {
                producer.send(e.toRecord(source, eventId(e, tp, record.offset(), i++)));
            }
            producer.sendOffsetsToTransaction(
                    Map.of(tp, new OffsetAndMetadata(record.offset() + 1)), consumer.groupMetadata());
            producer.commitTransaction();
            return true;
        } catch (KafkaException e) {
            LOG.warnf(
                    "%s: could not commit the answer to %s-%d@%d (%s); trying again",
                    name, tp.topic(), tp.partition(), record.offset(), e.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException | IllegalStateException abort) {
                // fenced or broken: a new producer aborts whatever the old one left open
                producer.close(Duration.ZERO);
                producer = clients.producer();
                producer.initTransactions();
            }
            retryAt = System.currentTimeMillis() + 1_000;
            return false;
        }
    }

    /**
     * The CloudEvents id of the {@code i}-th record answering one input record: the same input always yields
     * the same ids, so a consumer outside can deduplicate.
     */
    static String eventId(OutgoingEvent e, TopicPartition input, long offset, int i) {
        return (e.key() == null ? "-" : e.key()) + "/sweep/" + e.topic() + "/" + input.topic() + "-" + input.partition()
                + "-" + offset + "/" + i;
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    @Override
    public void close() {
        closing = true;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = loop;
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            LOG.debugf("%s: revoked %s", name, new ArrayList<>(partitions));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.debugf("%s: assigned %s", name, new ArrayList<>(partitions));
        }
    }
}

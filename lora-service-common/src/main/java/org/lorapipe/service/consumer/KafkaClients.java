package org.lorapipe.service.consumer;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Where a {@link StageConsumer} gets its Kafka clients: the broker ({@link BrokerClients}), or Kafka's
 * own mock clients in a unit test of the consumer.
 */
public interface KafkaClients {

    /** Called once before the first client is made, on the consumer's thread (e.g. to create topics). */
    default void prepare() {}

    /** A consumer of the stage's group that reads committed records only and never commits on its own. */
    Consumer<String, byte[]> consumer();

    /** A transactional producer (not yet initialised), one per replica. */
    Producer<String, byte[]> producer();
}

package org.lorapipe.service.consumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.kafka.KafkaClientProperties;

/**
 * The real clients of a stage replica.
 *
 * <ul>
 *   <li>Consumer: the stage's group, {@code read_committed} (aborted outcomes of a replica that died
 *       mid-transaction are never seen), no auto-commit (offsets are committed inside the outcome's
 *       transaction), and the cooperative-sticky assignor, so a replica joining or leaving moves only
 *       the partitions it must and running jobs elsewhere go on.
 *   <li>Producer: idempotent and transactional, with the transactional id {@code group-instance}.
 * </ul>
 *
 * <p>Every client starts from the service's Kafka client properties (its {@code kafka.*} configuration,
 * the same SmallRye Reactive Messaging uses: bootstrap servers, SASL, TLS, any other client property);
 * the settings above are laid on top, since the stage's delivery guarantees depend on them.
 */
public final class BrokerClients implements KafkaClients {
    private static final Logger LOG = Logger.getLogger(BrokerClients.class);

    private final Map<String, Object> clientProperties;
    private final String groupId;
    private final String transactionalId;
    private final boolean createTopics;

    /**
     * @param clientProperties Kafka client properties shared by every client (at least
     *     {@code bootstrap.servers}); may hold secrets, never logged unmasked
     * @param createTopics create the pipeline's missing topics before joining the group
     */
    public BrokerClients(Map<String, ?> clientProperties, String groupId, String instanceId, boolean createTopics) {
        Object bootstrap = clientProperties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null || bootstrap.toString().isBlank()) {
            throw new IllegalArgumentException(
                    "no Kafka bootstrap servers: set kafka.bootstrap.servers (or KAFKA_BOOTSTRAP_SERVERS)");
        }
        this.clientProperties = Map.copyOf(clientProperties);
        this.createTopics = createTopics;
        this.groupId = groupId;
        this.transactionalId = groupId + "-" + instanceId;
    }

    public String transactionalId() {
        return transactionalId;
    }

    /** The shared client properties, masked: safe to log. */
    public String describe() {
        return KafkaClientProperties.masked(clientProperties);
    }

    /**
     * A fresh copy of the shared properties for one client. Properties of one client kind only (a
     * consumer's {@code group.id} given as {@code kafka.group.id}) make the others log an "unknown
     * config" warning at most.
     */
    private Properties shared() {
        Properties p = new Properties();
        p.putAll(new HashMap<>(clientProperties));
        return p;
    }

    @Override
    public Consumer<String, byte[]> consumer() {
        Properties p = shared();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, transactionalId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a topic is created with its partition count (prepare), never by a metadata lookup with one
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // a replica killed with -9 hands its partitions over after this long
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    @Override
    public Producer<String, byte[]> producer() {
        Properties p = shared();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId + "-tx");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // an outcome's transaction holds a few small records: it is open for milliseconds
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    @Override
    public void prepare() {
        if (createTopics) {
            createTopics();
        }
    }

    /**
     * Creates the pipeline's missing topics with {@link Topics#partitions} partitions (existing
     * ones are left as they are). Best effort: a cluster that does not allow it (ACLs) is set up by its
     * operator, as k8s/ and docker-compose do with their topic jobs.
     */
    public void createTopics() {
        Properties p = shared();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : Topics.ALL) {
                topics.add(new NewTopic(t, java.util.Optional.of(Topics.partitions(t)), java.util.Optional.empty()));
            }
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e :
                    admin.createTopics(topics).values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                    LOG.infof("created topic %s with %d partitions", e.getKey(), Topics.partitions(e.getKey()));
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        LOG.warnf(
                                "could not create topic %s: %s",
                                e.getKey(), ex.getCause().toString());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf(
                    "could not create the pipeline's topics (%s): create them as docs/CONTRACT.md says", e.toString());
        }
    }
}

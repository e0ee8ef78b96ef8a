package org.lorapipe.service.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.Topics;
import org.lorapipe.devstack.BrokerSasl;
import org.lorapipe.devstack.KafkaBroker;
import org.lorapipe.testkit.NeedsInfra;

/**
 * A real broker that asks for a SCRAM login refuses a client without one and a client with a wrong
 * password, and the stage's own clients ({@link BrokerClients}) work once given the login as plain
 * client properties (what {@code kafka.security.protocol}, {@code kafka.sasl.*} set in a service).
 */
@NeedsInfra
class SaslBrokerTest {
    private static final String USER = "lora-stage";
    private static final String PASSWORD = "stage-pw-" + UUID.randomUUID();
    private static final BrokerSasl SASL = BrokerSasl.scramSha256("admin", "admin-pw-1", Map.of(USER, PASSWORD));

    private static Path dir;
    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        dir = Files.createTempDirectory("lora-sasl-");
        broker = KafkaBroker.start(
                KafkaBroker.Options.local(dir.resolve("kafka")).withSasl(SASL));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void aClientWithoutLoginGetsNothing() throws Exception {
        Map<String, Object> plain = new HashMap<>(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000));
        try (Admin admin = Admin.create(plain)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }
        // the broker closed the connection: a request before any login is refused
        assertThat(Files.readString(broker.options().logFile()))
                .contains("Unexpected Kafka request of type METADATA during SASL handshake");
    }

    @Test
    void aWrongPasswordIsRefusedAsAnAuthenticationFailure() {
        Map<String, Object> wrong = new HashMap<>(SASL.clientProperties(USER, "not-the-password"));
        wrong.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        wrong.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        wrong.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        try (Admin admin = Admin.create(wrong)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(15, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("invalid credentials");
        }
    }

    @Test
    void theStageClientsWorkWithTheLoginAsClientProperties() throws Exception {
        Map<String, Object> props = new HashMap<>(SASL.clientProperties(USER, PASSWORD));
        props.put("bootstrap.servers", broker.bootstrapServers());
        BrokerClients clients = new BrokerClients(props, "sasl-test-" + UUID.randomUUID(), "replica-1", true);
        String key = "sasl-" + UUID.randomUUID();

        clients.prepare(); // creates the pipeline's topics as the stage user
        try (Producer<String, byte[]> producer = clients.producer()) {
            // transactional: the commit's markers go broker to broker over the SASL listener as the admin
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(
                    Topics.TRAINING_REQUESTED, key, "{\"hello\":1}".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
        }
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        try (Consumer<String, byte[]> consumer = clients.consumer()) {
            consumer.subscribe(List.of(Topics.TRAINING_REQUESTED));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (seen.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (key.equals(r.key())) {
                        seen.add(r);
                    }
                });
            }
        }

        assertThat(seen).hasSize(1);
        assertThat(new String(seen.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"hello\":1}");
        assertThat(clients.describe())
                .contains("sasl.mechanism=SCRAM-SHA-256", "sasl.jaas.config=***")
                .doesNotContain(PASSWORD);
        assertThat(Files.readString(broker.options().logFile())).doesNotContain(PASSWORD);
    }
}

package org.lorapipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Quarkus test resource hands out the JVM-wide infrastructure and does not stop it. */
@NeedsInfra
class LoraInfraTestResourceTest {

    @Test
    void sharedInfraSurvivesStop() {
        LoraInfraTestResource first = new LoraInfraTestResource();
        first.init(Map.of());
        Map<String, String> config = first.start();
        first.stop();

        LoraInfraTestResource second = new LoraInfraTestResource();
        second.init(Map.of());
        assertThat(second.start()).isEqualTo(config);
        second.stop();

        LocalInfra shared = LocalInfra.shared();
        assertThat(shared.config()).isEqualTo(config);
        shared.close(); // a no-op on the shared instance
        try (KafkaTestClient client = new KafkaTestClient(config.get("kafka.bootstrap.servers"))) {
            client.send("resource.topic", "k", "v");
            assertThat(client.awaitRecord("resource.topic", "k", Duration.ofSeconds(30))
                            .value())
                    .isEqualTo("v");
        }
        assertThat(shared.kafka().isAlive()).isTrue();
        assertThat(shared.s3().isAlive()).isTrue();
    }
}

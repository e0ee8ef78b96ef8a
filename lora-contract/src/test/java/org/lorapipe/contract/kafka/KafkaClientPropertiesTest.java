package org.lorapipe.contract.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"lora\" password=\"pa55-word\";";

    @Test
    void toStringMasksEverySecretAndKeepsTheRest() {
        KafkaClientProperties p = new KafkaClientProperties(Map.of(
                "bootstrap.servers", "b:9092",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/kafka/trust.p12",
                "ssl.truststore.password", "trust-pass",
                "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----xyz",
                "sasl.oauthbearer.client.credentials.client.secret", "oauth-secret"));

        String printed = p.toString();

        assertThat(printed)
                .contains("bootstrap.servers=b:9092", "security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512")
                .contains("ssl.truststore.location=/etc/kafka/trust.p12")
                .contains("sasl.jaas.config=***", "ssl.truststore.password=***", "ssl.keystore.key=***")
                .doesNotContain("pa55-word", "trust-pass", "PRIVATE KEY", "oauth-secret");
    }

    @Test
    void secretsAreRecognisedByName() {
        assertThat(KafkaClientProperties.isSecret("sasl.jaas.config")).isTrue();
        assertThat(KafkaClientProperties.isSecret("ssl.key.password")).isTrue();
        assertThat(KafkaClientProperties.isSecret("SSL.KEYSTORE.PASSWORD")).isTrue();
        assertThat(KafkaClientProperties.isSecret("security.protocol")).isFalse();
        assertThat(KafkaClientProperties.isSecret("ssl.keystore.location")).isFalse();
        assertThat(KafkaClientProperties.isSecret("ssl.truststore.type")).isFalse();
    }

    @Test
    void anOverrideWinsAndTheOriginalIsUnchanged() {
        KafkaClientProperties base = new KafkaClientProperties(Map.of("bootstrap.servers", "a:1", "acks", "1"));

        KafkaClientProperties merged = base.with(Map.of("acks", "all"));

        assertThat(merged.values()).containsEntry("acks", "all").containsEntry("bootstrap.servers", "a:1");
        assertThat(base.values()).containsEntry("acks", "1");
        assertThat(merged.bootstrapServers()).isEqualTo("a:1");
    }
}

package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KafkaConnectionTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"lora\" password=\"s3cr3t=x\";";

    @TempDir
    Path dir;

    @Test
    void withNothingSetItIsTheEmbeddedStackAndNothingElse() {
        KafkaConnection k = KafkaConnection.resolve(null, null, null, Map.of());

        assertThat(k.properties().values()).containsExactly(Map.entry("bootstrap.servers", "127.0.0.1:9092"));
    }

    @Test
    void variablesThenFileThenXThenBootstrapOption() throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(
                file,
                "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nbootstrap.servers=file:9093\n"
                        + "ssl.truststore.location=/from/file.p12\n");
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_JAAS_CONFIG", JAAS,
                "KAFKA_CLIENT_ID", "from-env");

        KafkaConnection k =
                KafkaConnection.resolve("option:9094", Map.of("ssl.truststore.location", "/from/x.p12"), file, env);

        assertThat(k.properties().values())
                .containsEntry("bootstrap.servers", "option:9094")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("client.id", "from-env")
                .containsEntry("ssl.truststore.location", "/from/x.p12");
        assertThat(KafkaConnection.resolve(null, null, file, env).bootstrapServers())
                .isEqualTo("file:9093");
        assertThat(KafkaConnection.resolve(null, null, null, env).bootstrapServers())
                .isEqualTo("env:9092");
    }

    @Test
    void theConfigFileVariableIsUsedWhenNoOptionNamesOne() throws IOException {
        Path file = dir.resolve("from-variable.properties");
        Files.writeString(file, "security.protocol=SSL\n");
        Path option = dir.resolve("from-option.properties");
        Files.writeString(option, "sasl.mechanism=PLAIN\n");
        Map<String, String> env = Map.of("LORA_KAFKA_CONFIG", file.toString());

        assertThat(KafkaConnection.resolve(null, null, null, env).properties().values())
                .containsEntry("security.protocol", "SSL");
        assertThat(KafkaConnection.resolve(null, null, option, env).properties().values())
                .containsEntry("sasl.mechanism", "PLAIN")
                .doesNotContainKey("security.protocol");
    }

    @Test
    void kafkaVariablesThatAreNoClientPropertyAreIgnored() {
        Map<String, String> p = KafkaConnection.fromVariables(Map.of(
                "KAFKA_HOME", "/opt/kafka",
                "KAFKA_OPTS", "-Xmx1g",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                "S3_SECRET_KEY", "not-kafka"));

        assertThat(p).containsExactly(Map.entry("sasl.mechanism", "SCRAM-SHA-256"));
    }

    @Test
    void aMissingFileIsAUsageProblemThatNamesIt() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> KafkaConnection.resolve(null, null, missing, Map.of()))
                .isInstanceOf(UsageProblem.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("--kafka-config");
    }

    @Test
    void printingTheConnectionNeverShowsTheJaasPassword() {
        KafkaConnection k = KafkaConnection.resolve(null, null, null, Map.of("KAFKA_SASL_JAAS_CONFIG", JAAS));

        assertThat(k.toString()).contains("sasl.jaas.config=***").doesNotContain("s3cr3t");
    }

    @Test
    void repeatedXOptionsKeepEverythingAfterTheFirstEqualsSign() {
        SubmitCommand submit = new SubmitCommand();
        new CommandLine(submit)
                .parseArgs(
                        "-X",
                        "security.protocol=SASL_PLAINTEXT",
                        "-X",
                        "sasl.jaas.config=" + JAAS,
                        "--bootstrap-server",
                        "b:1",
                        "request.json");

        assertThat(submit.endpoints.kafka().properties().values())
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("bootstrap.servers", "b:1");
    }

    @Test
    void helpNamesTheOptionsAndTheVariables() {
        Cli.Run help = Cli.run("watch", "--help");

        assertThat(help.out())
                .contains("-X=KEY=VALUE", "--kafka-config=FILE", "LORA_KAFKA_CONFIG")
                .contains("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_JAAS_CONFIG");
    }
}

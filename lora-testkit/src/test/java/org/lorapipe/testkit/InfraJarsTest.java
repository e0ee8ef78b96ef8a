package org.lorapipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.devstack.InfraJars;

class InfraJarsTest {

    @Test
    void locatesTheGatheredJars() {
        InfraJars jars = InfraJars.locate();
        assertThat(jars.root().resolve("lora-infra/pom.xml")).exists();
        assertThat(jars.kafkaLibDir().resolve("kafka_2.13-4.4.0.jar")).exists();
        assertThat(jars.s3proxyJar()).exists();
    }

    @Test
    void explainsAWrongRoot(@TempDir Path dir) {
        assertThatThrownBy(() -> InfraJars.at(dir, "LORA_HOME"))
                .hasMessageContaining("LORA_HOME points at " + dir)
                .hasMessageContaining("no lora-infra/pom.xml");
    }

    @Test
    void explainsMissingJars(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("lora-infra"));
        Files.writeString(dir.resolve("lora-infra/pom.xml"), "<project/>");
        InfraJars jars = InfraJars.at(dir, "test");
        assertThatThrownBy(jars::kafkaLibDir).hasMessageContaining("run ./mvnw -pl lora-infra package");
        assertThatThrownBy(jars::s3proxyJar).hasMessageContaining("run ./mvnw -pl lora-infra package");
    }
}

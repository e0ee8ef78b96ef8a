package org.lorapipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.devstack.KafkaBroker;
import org.lorapipe.devstack.Ports;

/** A broker restarted on the same data directory is not re-formatted: its records survive. */
@NeedsInfra
class KafkaBrokerRestartTest {

    @TempDir
    Path dir;

    @Test
    void restartKeepsTopicsAndRecords() throws Exception {
        KafkaBroker.Options options = KafkaBroker.Options.local(dir.resolve("kafka"));
        long firstPid;
        try (KafkaBroker broker = KafkaBroker.start(options);
                KafkaTestClient client = new KafkaTestClient(broker.bootstrapServers())) {
            firstPid = broker.pid();
            client.send("restart.topic", "k", "before restart");
        }
        String clusterIdLine = Files.readAllLines(dir.resolve("kafka/logs/meta.properties")).stream()
                .filter(l -> l.startsWith("cluster.id="))
                .findFirst()
                .orElseThrow();

        try (KafkaBroker broker = KafkaBroker.start(options);
                KafkaTestClient client = new KafkaTestClient(broker.bootstrapServers())) {
            assertThat(broker.pid()).isNotEqualTo(firstPid);
            assertThat(client.awaitRecord("restart.topic", "k", Duration.ofSeconds(30))
                            .value())
                    .isEqualTo("before restart");
        }
        assertThat(Files.readAllLines(dir.resolve("kafka/logs/meta.properties")))
                .contains(clusterIdLine);
        // log4j2 is configured and bound to slf4j 1.7: INFO lines, no "no binding" warnings
        assertThat(Files.readString(options.logFile()))
                .contains("Kafka Server started")
                .contains("] INFO ")
                .doesNotContain("SLF4J")
                .doesNotContain("StatusLogger");
        assertThat(Ports.isFree(options.host(), options.port())).isTrue();
    }

    @Test
    void portInUseIsRefusedBeforeStarting() throws Exception {
        // a leftover server on the port would answer our readiness probe: refuse to start instead
        try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            KafkaBroker.Options clash = new KafkaBroker.Options(
                    dir.resolve("b"), "127.0.0.1", squatter.getLocalPort(), Ports.free(), dir.resolve("b.log"), false);
            assertThatThrownBy(() -> KafkaBroker.start(clash))
                    .hasMessageContaining("something already listens there")
                    .hasMessageContaining("127.0.0.1:" + squatter.getLocalPort());
            assertThat(dir.resolve("b.log")).doesNotExist();
        }
    }

    @Test
    void brokerDyingAtStartupFailsWithItsLog() {
        // 192.0.2.1 (TEST-NET-1) is no local address: the broker cannot bind it and exits
        KafkaBroker.Options unbindable = new KafkaBroker.Options(
                dir.resolve("c"), "192.0.2.1", Ports.free(), Ports.free(), dir.resolve("c.log"), false);
        assertThatThrownBy(() -> KafkaBroker.start(unbindable))
                .hasMessageContaining("exited with code")
                .hasMessageContaining("c.log")
                .hasMessageContaining("192.0.2.1");
    }
}

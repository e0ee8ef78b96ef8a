package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.cli.stack.EmbeddedStack;
import org.lorapipe.cli.stack.ServiceSpec;
import org.lorapipe.cli.stack.StackComponent;
import org.lorapipe.cli.stack.StackKey;
import org.lorapipe.cli.stack.StackPorts;
import org.lorapipe.cli.stack.StackState;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.devstack.InfraJars;
import org.lorapipe.devstack.Ports;
import org.lorapipe.testkit.KafkaTestClient;
import org.lorapipe.testkit.NeedsInfra;

/**
 * {@code lora stack up / status / down} for real, on free ports so that it never meets a developer's
 * running stack: processes start, the bucket exists, a service built by the reactor answers the
 * contract through the broker and its API only to the stack's own key, {@code up} twice starts nothing new,
 * and {@code down} leaves no process
 * and no open port behind.
 */
@NeedsInfra
class EmbeddedStackTest {
    @TempDir
    Path dir;

    @Test
    void upStatusDownRoundTrip() throws Exception {
        Path root = InfraJars.locate().root();
        ServiceSpec dataset = new ServiceSpec("dataset-service", Ports.free());
        assertThat(dataset.runner(root))
                .as("the reactor packages dataset-service before lora-e2e; run ./mvnw -B verify from the root")
                .exists();
        StackPorts ports = new StackPorts(Ports.free(), Ports.free(), Ports.free(), List.of(dataset));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        EmbeddedStack stack = new EmbeddedStack(root, dir, ports, new PrintStream(text, true, StandardCharsets.UTF_8));
        List<Long> pids = List.of();
        try {
            stack.up();
            assertThat(stack.status(false)).as("all healthy:\n%s", text).isTrue();
            assertThat(text.toString()).contains("API key " + StackKey.file(dir));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(StackKey.file(dir))))
                    .isEqualTo("rw-------");
            URI jobs = URI.create("http://127.0.0.1:" + dataset.port() + "/api/jobs");
            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(HttpRequest.newBuilder(jobs).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .as("the API takes the stack's key")
                    .isEqualTo(401);
            assertThat(http.send(
                                    HttpRequest.newBuilder(jobs)
                                            .header(
                                                    "Authorization",
                                                    "Bearer "
                                                            + StackKey.read(dir).orElseThrow())
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(200);
            assertThat(stack.components())
                    .extracting(EmbeddedStack.ComponentStatus::name, EmbeddedStack.ComponentStatus::state)
                    .contains(org.assertj.core.groups.Tuple.tuple("dataset-service", "healthy"));
            text.reset();
            stack.status(true);
            assertThat(Json.mapper()
                            .readTree(text.toString())
                            .path("components")
                            .findValuesAsText("name"))
                    .containsExactlyInAnyOrder("kafka", "s3", "dataset-service");
            pids = pids();
            assertThat(pids).hasSize(3);

            try (MinioClient s3 = MinioClient.builder()
                    .endpoint(stack.s3Endpoint())
                    .credentials(EmbeddedStack.ACCESS_KEY, EmbeddedStack.SECRET_KEY)
                    .build()) {
                assertThat(s3.bucketExists(
                                BucketExistsArgs.builder().bucket("lora").build()))
                        .isTrue();
            }

            try (KafkaTestClient kafka = new KafkaTestClient(stack.bootstrapServers())) {
                kafka.send(Topics.TRAINING_REQUESTED, null, "{\"requestId\":\"x\",\"lora\":{\"r\":0}}");
                String failure = kafka.awaitRecord(Topics.PIPELINE_FAILED, "x", Duration.ofSeconds(30))
                        .value();
                assertThat(failure).contains("baseModel is required", "dataset is required", "lora.r");
            }

            stack.up();
            assertThat(pids()).as("a second up starts no second copy").isEqualTo(pids);
            assertThat(text.toString()).contains("already running");
        } finally {
            stack.down();
        }
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("pid %d stopped", pid)
                    .isFalse();
        }
        assertThat(Ports.isListening("127.0.0.1", ports.kafka())).isFalse();
        assertThat(Ports.isListening("127.0.0.1", ports.s3())).isFalse();
        assertThat(Ports.isListening("127.0.0.1", dataset.port())).isFalse();
        assertThat(stack.status(false)).isFalse();
    }

    private List<Long> pids() {
        return StackState.load(dir).components().stream()
                .map(StackComponent::pid)
                .toList();
    }
}

package org.lorapipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.messages.Bucket;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.lorapipe.devstack.KafkaBroker;
import org.lorapipe.devstack.Ports;

/**
 * Drives the real broker and the real S3 server started by {@link LocalInfra}; the last test stops
 * them and checks that nothing is left: no process, no listening port, no directory.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@NeedsInfra
class LocalInfraTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static LocalInfra infra;

    @BeforeAll
    static void start() {
        infra = LocalInfra.start();
        System.out.printf(
                "broker ready in %d ms, s3proxy ready in %d ms%n",
                infra.kafka().startupTime().toMillis(), infra.s3().startupTime().toMillis());
    }

    @AfterAll
    static void stopIfStillRunning() {
        if (infra != null) {
            infra.close();
        }
    }

    @Test
    @Order(1)
    void configNamesTheRunningServers() {
        Map<String, String> config = infra.config();
        assertThat(config)
                .containsEntry("kafka.bootstrap.servers", infra.bootstrapServers())
                .containsEntry("lora.s3.endpoint", infra.s3Endpoint())
                .containsEntry("lora.s3.access-key", "minioadmin")
                .containsEntry("lora.s3.secret-key", "minioadmin")
                .containsEntry("lora.s3.bucket", "lora");
        assertThat(infra.bootstrapServers()).startsWith("127.0.0.1:");
        assertThat(infra.s3Endpoint()).startsWith("http://127.0.0.1:");
        assertThat(Ports.isListening("127.0.0.1", infra.kafka().options().port()))
                .isTrue();
        assertThat(Ports.isListening("127.0.0.1", infra.s3().options().port())).isTrue();
    }

    @Test
    @Order(2)
    void recordsTravelThroughTheBroker() {
        KafkaBroker.createTopics(infra.bootstrapServers(), List.of("testkit.jobs", "testkit.raw"));
        KafkaBroker.createTopics(infra.bootstrapServers(), List.of("testkit.jobs")); // idempotent
        try (KafkaTestClient client = KafkaTestClient.forInfra(infra)) {
            client.send("testkit.jobs", "noise", "{\"n\":0}");
            client.send("testkit.jobs", "job-1", "{\"n\":1}", Map.of("trace", "abc"));
            client.sendRaw("testkit.raw", "poison", new byte[] {(byte) 0xff, 0x00, 0x7b});

            ConsumerRecord<String, String> record = client.awaitRecord("testkit.jobs", "job-1", TIMEOUT);
            assertThat(record.value()).isEqualTo("{\"n\":1}");
            assertThat(new String(record.headers().lastHeader("trace").value(), StandardCharsets.UTF_8))
                    .isEqualTo("abc");
            assertThat(client.awaitRecord("testkit.raw", "poison", TIMEOUT).value())
                    .isNotEmpty();
            // the non-matching record was kept for a later call, and matches are handed out once
            assertThat(client.awaitRecord("testkit.jobs", "noise", TIMEOUT).value())
                    .isEqualTo("{\"n\":0}");
            assertThat(client.drain("testkit.jobs", Duration.ofMillis(500))).isEmpty();
        }
    }

    @Test
    @Order(3)
    void missingRecordFailsWithWhatWasSeen() {
        try (KafkaTestClient client = KafkaTestClient.forInfra(infra)) {
            client.send("testkit.other", "a", "x");
            AssertionError error = org.junit.jupiter.api.Assertions.assertThrows(
                    AssertionError.class, () -> client.awaitRecord("testkit.other", "b", Duration.ofSeconds(3)));
            assertThat(error.getMessage()).contains("testkit.other").contains("key=a");
        }
    }

    @Test
    @Order(4)
    void objectsTravelThroughTheS3Server() throws Exception {
        byte[] big = new byte[12 * 1024 * 1024 + 123]; // 3 parts of 5 MiB: a real multipart upload
        new Random(42).nextBytes(big);
        try (MinioClient s3 = infra.s3().newClient()) {
            assertThat(s3.listBuckets()).extracting(Bucket::name).containsExactly("lora");
            s3.putObject(PutObjectArgs.builder().bucket("lora").object("a/small.txt").stream(
                            new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)), 5, -1)
                    .build());
            s3.putObject(PutObjectArgs.builder().bucket("lora").object("a/big.bin").stream(
                            new ByteArrayInputStream(big), -1, 5 * 1024 * 1024)
                    .build());

            try (GetObjectResponse in = s3.getObject(
                    GetObjectArgs.builder().bucket("lora").object("a/small.txt").build())) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("hello");
            }
            assertThat(s3.statObject(StatObjectArgs.builder()
                                    .bucket("lora")
                                    .object("a/big.bin")
                                    .build())
                            .size())
                    .isEqualTo(big.length);
            // a multipart upload's ETag is "<md5 of part md5s>-<part count>"
            assertThat(s3.statObject(StatObjectArgs.builder()
                                    .bucket("lora")
                                    .object("a/big.bin")
                                    .build())
                            .etag())
                    .endsWith("-3");
            try (GetObjectResponse in = s3.getObject(GetObjectArgs.builder()
                    .bucket("lora")
                    .object("a/big.bin")
                    .offset(6L * 1024 * 1024 - 10)
                    .length(100L)
                    .build())) {
                byte[] range = in.readAllBytes();
                assertThat(range).isEqualTo(Arrays.copyOfRange(big, 6 * 1024 * 1024 - 10, 6 * 1024 * 1024 + 90));
            }
            try (GetObjectResponse in = s3.getObject(
                    GetObjectArgs.builder().bucket("lora").object("a/big.bin").build())) {
                assertThat(in.readAllBytes()).isEqualTo(big);
            }
        }
        infra.s3().createBucket("lora"); // idempotent
    }

    @Test
    @Order(99)
    void closeLeavesNothingBehind() throws Exception {
        int kafkaPort = infra.kafka().options().port();
        int controllerPort = infra.kafka().options().controllerPort();
        int s3Port = infra.s3().options().port();
        long kafkaPid = infra.kafka().pid();
        long s3Pid = infra.s3().pid();
        Path root = infra.root();
        assertThat(Files.exists(root.resolve("kafka/broker.log"))).isTrue();
        assertThat(ProcessHandle.of(kafkaPid)).isPresent();

        infra.close();
        infra.close(); // idempotent
        infra = null;

        assertThat(ProcessHandle.of(kafkaPid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(ProcessHandle.of(s3Pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(Ports.isFree("127.0.0.1", kafkaPort)).isTrue();
        assertThat(Ports.isFree("127.0.0.1", controllerPort)).isTrue();
        assertThat(Ports.isFree("127.0.0.1", s3Port)).isTrue();
        assertThat(root).doesNotExist();
    }
}

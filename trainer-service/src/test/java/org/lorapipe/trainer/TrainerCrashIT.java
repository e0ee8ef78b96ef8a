package org.lorapipe.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.json.Json;
import org.lorapipe.devstack.InfraJars;
import org.lorapipe.devstack.Ports;
import org.lorapipe.devstack.ServiceLauncher;
import org.lorapipe.devstack.StackEnvironment;
import org.lorapipe.model.NativeMemoryPolicy;
import org.lorapipe.service.testing.StoriesFixture;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.storage.StorageConfig;
import org.lorapipe.testkit.KafkaTestClient;
import org.lorapipe.testkit.LocalInfra;

/**
 * Crash safety for real: the packaged trainer-service runs as its own process against a real broker
 * and S3 server, is killed with SIGKILL in the middle of a run, and is started again. Nobody resends
 * anything: the record was never committed, so the broker hands it to the new process (once the dead
 * member's session has timed out), which continues from the last checkpoint with the
 * same losses the first process had at the same steps, and publishes the adapter once.
 */
class TrainerCrashIT {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static LocalInfra infra;
    private static ObjectStore store;

    @BeforeAll
    static void start() {
        infra = LocalInfra.start();
        store = new ObjectStore(new StorageConfig(
                infra.s3Endpoint(), infra.accessKey(), infra.secretKey(), infra.bucket(), "us-east-1"));
    }

    @AfterAll
    static void stop() {
        store.close();
        infra.close();
    }

    @Test
    void killedMidRunItResumesFromItsCheckpoint() throws Exception {
        String id = "crash-" + System.nanoTime();
        var request = StoriesFixture.request(
                id,
                "\"training\": {\"epochs\": 200, \"maxSteps\": 300,"
                        + " \"warmupSteps\": 5, \"learningRate\": 0.003, \"checkpointEverySteps\": 10}");
        String event = Json.write(new StoriesFixture(store).publishDataset(request, 24, 4));

        try (KafkaTestClient kafka = new KafkaTestClient(infra.bootstrapServers())) {
            Process first = startTrainer("first");
            Map<Long, Double> before = new TreeMap<>();
            try {
                kafka.send(Topics.DATASET_PREPARED, id, event);
                collect(
                        kafka,
                        id,
                        before,
                        () -> before.keySet().stream().anyMatch(s -> s >= 35)
                                && store.isPublished(S3Uri.parse("s3://lora/runs/" + id + "/checkpoints/step-30/")));
            } finally {
                first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hooks, no cleanup
            }
            // every step the first process reported before it died (it ran on while we reacted)
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            collect(kafka, id, before, () -> System.nanoTime() > deadline);
            long crashedAt = before.keySet().stream().max(Long::compare).orElseThrow();
            assertThat(crashedAt).as("killed mid-run").isLessThan(300);

            Process second = startTrainer("second");
            try {
                Map<Long, Double> after = new TreeMap<>();
                collect(kafka, id, after, () -> after.containsKey(300L));
                AdapterTrained trained = Json.read(
                        kafka.awaitRecord(Topics.ADAPTER_TRAINED, id, WAIT).value(), AdapterTrained.class);

                long resumedAt = after.keySet().stream().min(Long::compare).orElseThrow();
                assertThat(resumedAt)
                        .as("continues after a checkpoint, not from step 1")
                        .isGreaterThan(10);
                assertThat(resumedAt - 1).as("a checkpoint step").isEqualTo(10 * ((resumedAt - 1) / 10));
                int compared = 0;
                for (long step = resumedAt; step <= crashedAt; step++) {
                    if (before.containsKey(step) && after.containsKey(step)) {
                        assertThat(after.get(step)).as("loss at step %d", step).isEqualTo(before.get(step));
                        compared++;
                    }
                }
                if (compared == 0) {
                    // the kill landed right after a checkpoint: nothing to run twice, the run just goes on
                    assertThat(resumedAt)
                            .as("continues right after the last step")
                            .isEqualTo(crashedAt + 1);
                }
                assertThat(trained.adapterUri()).isEqualTo("s3://lora/runs/" + id + "/adapter/");
                assertThat(store.isPublished(S3Uri.parse(trained.adapterUri()))).isTrue();
                assertThat(kafka.drain(Topics.ADAPTER_TRAINED, Duration.ofSeconds(3)).stream()
                                .filter(r -> id.equals(r.key())))
                        .as("one adapter event")
                        .isEmpty();
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void collect(
            KafkaTestClient kafka, String id, Map<Long, Double> losses, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime())
                    .as("progress in time, seen steps %s", losses.keySet())
                    .isLessThan(deadline);
            for (var r : kafka.drain(Topics.TRAINING_PROGRESS, Duration.ofMillis(500))) {
                if (id.equals(r.key())) {
                    TrainingProgress p = Json.read(r.value(), TrainingProgress.class);
                    losses.put(p.step(), p.loss());
                }
            }
        }
    }

    private static Process startTrainer(String name) throws Exception {
        Path root = InfraJars.locate().root();
        Path jar = ServiceLauncher.runner(root, "trainer-service");
        assertThat(jar).as("packaged by the reactor before integration tests").exists();
        Path log = Files.createTempFile("trainer-" + name, ".log");
        Map<String, String> policy = new HashMap<>();
        NativeMemoryPolicy.load(root).applyTo(policy);
        ProcessBuilder pb = ServiceLauncher.processBuilder(
                jar,
                Ports.free(),
                List.of("lora.trainer.progress-interval-ms=0"),
                new StackEnvironment(
                        infra.bootstrapServers(),
                        infra.s3Endpoint(),
                        infra.accessKey(),
                        infra.secretKey(),
                        infra.bucket()),
                policy,
                log);
        Process p = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        return p;
    }
}

package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.cli.stack.EmbeddedStack;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.checksum.ChecksumVerifier;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.json.Json;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.KafkaTestClient;
import org.lorapipe.testkit.TestData;

/**
 * The whole product, as a user meets it: the services as processes on a real broker and S3 server (the
 * {@link SharedStack}), and {@code lora demo}'s own code path running the
 * example request. Checks the events
 * on every topic in order, the adapter, the report, the merged model with its checksums, a tuned model
 * that follows the instruction better than the base, and merged logits equal to base + adapter.
 *
 * <p>Before the example runs, the same stack is fuzzed ({@link HostileInputFuzz}): hostile requests and
 * forged events on every door must each get exactly one refusal and leave every service ready and idle,
 * so the example's run is also the valid request that must complete afterwards. Beside it (submitted
 * just before, checked after), every supported architecture is imported, trained with LoRA and QLoRA,
 * merged and reloaded on the same stack ({@link ArchitectureRuns}). At the end the web console is driven
 * in headless Chromium through a short run of its own ({@link ConsoleInBrowser}). The short fuzz runs in
 * {@code .ci/run}; the full one with {@code LORA_FUZZ=full ./mvnw -B verify -pl
 * dataset-service,trainer-service,eval-service,merge-service,sweep-service,console-service,lora-cli,lora-e2e -am -Dit.test=PipelineEndToEndIT
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@ExtendWith(SharedStack.Resolver.class)
class PipelineEndToEndIT {
    @TempDir
    Path dir;

    @Test
    void theExampleRequestRunsThroughEveryStage(SharedStack shared) throws Exception {
        ConsoleInBrowser.requireBrowser();
        Path root = shared.root();
        EmbeddedStack stack = shared.stack();
        new HostileInputFuzz(stack, root, System.out).run();
        ArchitectureRuns architectures = new ArchitectureRuns(stack, root, dir.resolve("architectures"), System.out);
        architectures.submit();
        SweepEndToEnd sweep = new SweepEndToEnd(stack, dir.resolve("sweep"), System.out);
        sweep.submit();

        DemoCommand demo = new DemoCommand();
        demo.timeout = "10m"; // a stage that never answers fails the test instead of hanging CI
        demo.stories = TestData.dir("models/stories260K"); // wherever the test data is
        assertThat(demo.run(stack)).as("lora demo exit code").isZero();
        String id = demo.requestId;

        List<String> topics = new ArrayList<>();
        EvaluationCompleted evaluation;
        ModelMerged merged;
        try (KafkaTestClient kafka = new KafkaTestClient(stack.bootstrapServers())) {
            evaluation = Json.read(
                    kafka.awaitRecord(Topics.EVALUATION_COMPLETED, id, Duration.ofSeconds(30))
                            .value(),
                    EvaluationCompleted.class);
            merged = Json.read(
                    kafka.awaitRecord(Topics.MODEL_MERGED, id, Duration.ofSeconds(30))
                            .value(),
                    ModelMerged.class);
            List<ConsumerRecord<String, String>> all = new ArrayList<>();
            kafka.drainAll(
                            List.of(
                                    Topics.TRAINING_REQUESTED,
                                    Topics.DATASET_PREPARED,
                                    Topics.TRAINING_PROGRESS,
                                    Topics.ADAPTER_TRAINED,
                                    Topics.PIPELINE_FAILED),
                            Duration.ofSeconds(3))
                    .values()
                    .forEach(records -> all.addAll(
                            records.stream().filter(r -> id.equals(r.key())).toList()));
            all.sort(java.util.Comparator.comparingLong(ConsumerRecord::timestamp));
            all.forEach(r -> {
                if (topics.isEmpty() || !topics.get(topics.size() - 1).equals(r.topic())) {
                    topics.add(r.topic());
                }
            });
        }
        assertThat(topics)
                .containsExactly(
                        Topics.TRAINING_REQUESTED,
                        Topics.DATASET_PREPARED,
                        Topics.TRAINING_PROGRESS,
                        Topics.ADAPTER_TRAINED);

        var heldOut = evaluation.results().get("held-out-pairings"); // the example's task label
        assertThat(heldOut.tuned().get("pass_rate"))
                .as("tuned follows the instruction better than the base")
                .isGreaterThan(heldOut.base().get("pass_rate"));
        assertThat(merged.merged()).isTrue();
        assertThat(merged.verification().maxAbsLogitDiff()).isLessThan(1e-4);

        RunTrace.verify(shared.traces(), id, demo.traceId, System.out); // one trace across the four stages

        architectures.verify();
        sweep.verify();
        // the stages are idle now: the console's short run goes straight through
        new ConsoleInBrowser(
                        stack, dir.resolve("console"), root.resolve("lora-e2e/target/console-screenshots"), System.out)
                .run();

        Path local = stack.dir().resolve("models").resolve(id);
        assertThat(ChecksumVerifier.verify(local)).isNotEmpty();
        try (ObjectStore store = new ObjectStore(stack.storage())) {
            assertThat(store.isPublished(S3Uri.parse("s3://lora/runs/" + id + "/adapter/")))
                    .isTrue();
            assertThat(store.isPublished(S3Uri.parse("s3://lora/runs/" + id + "/eval/")))
                    .isTrue();
            Path adapter = Files.createDirectories(dir.resolve("adapter"));
            store.downloadPrefix(S3Uri.parse("s3://lora/runs/" + id + "/adapter/"), adapter);
            Path base = Files.createDirectories(dir.resolve("base"));
            store.downloadPrefix(S3Uri.parse("s3://lora/models/stories260K/"), base);
            assertThat(ArchitectureRuns.maxLogitDiff(local, base, adapter))
                    .as("merged vs base + adapter")
                    .isLessThan(1e-4);
        }
    }
}

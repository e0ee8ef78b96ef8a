package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipe.cli.watch.WatchCommand;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.MemoryUsage;
import org.lorapipe.contract.event.ModelFile;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.RenderedExample;
import org.lorapipe.contract.event.TaskResult;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.event.Verification;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.testkit.KafkaTestClient;
import org.lorapipe.testkit.LocalInfra;
import org.lorapipe.testkit.NeedsInfra;

/** {@code lora watch} against the real broker: a whole run's events, and a failed run. */
@NeedsInfra
class WatchCommandTest {
    private static LocalInfra infra;

    @BeforeAll
    static void start() {
        infra = LocalInfra.start();
    }

    @AfterAll
    static void stop() {
        infra.close();
    }

    private static TrainingRequest request(String id) {
        return new RequestParser("lora")
                .parse("{\"requestId\": \"" + id + "\", \"baseModel\": \"s3://lora/models/m\", \"dataset\": {\"uri\":"
                        + " \"s3://lora/data/d.jsonl\"}}");
    }

    @Test
    void followsARunToItsMergedModel() {
        String id = "watch-ok";
        TrainingRequest r = request(id);
        Instant now = Instant.now();
        try (KafkaTestClient kafka = new KafkaTestClient(infra.bootstrapServers())) {
            kafka.send(
                    Topics.DATASET_PREPARED,
                    id,
                    Json.write(DatasetPrepared.of(
                            r,
                            "s3://lora/datasets/" + id + "/",
                            new DatasetManifest(
                                    400,
                                    390,
                                    Map.of("empty", 2L),
                                    5,
                                    3,
                                    370,
                                    20,
                                    40_000,
                                    2_000,
                                    180,
                                    "alpaca",
                                    "abc",
                                    "</s>",
                                    new RenderedExample(
                                            7,
                                            List.of(
                                                    new RenderedExample.Span("<s>[INST] Name a colour. [/INST]", false),
                                                    new RenderedExample.Span(" Blue.</s>", true)),
                                            4,
                                            11,
                                            false)))));
            for (int step = 100; step <= 300; step += 100) {
                kafka.send(
                        Topics.TRAINING_PROGRESS,
                        id,
                        Json.write(new TrainingProgress(
                                1,
                                id,
                                now,
                                r,
                                step,
                                300,
                                step / 300.0,
                                2.0 - step / 300.0,
                                1e-3,
                                900,
                                step * 100L,
                                (300 - step) * 100L,
                                new MemoryUsage(500L << 20, 1 << 20, 1 << 16, 1 << 17, 600L << 20))));
            }
            kafka.send(
                    Topics.ADAPTER_TRAINED,
                    id,
                    Json.write(new AdapterTrained(
                            1,
                            id,
                            now,
                            r,
                            "s3://lora/runs/" + id + "/adapter/",
                            new TrainingMetrics(0.9, 1.1, 40_000, 120_000, 600L << 20, 900, 8_000, 260_000))));
            kafka.send(
                    Topics.EVALUATION_COMPLETED,
                    id,
                    Json.write(new EvaluationCompleted(
                            1,
                            id,
                            now,
                            r,
                            "s3://lora/runs/" + id + "/adapter/",
                            Map.of(
                                    "generation",
                                    new TaskResult(
                                            Map.of("pass_rate", 0.0, "pass_rate_stderr", 0.0, "n", 20.0),
                                            Map.of("pass_rate", 0.95, "pass_rate_stderr", 0.05, "n", 20.0))),
                            "s3://lora/runs/" + id + "/eval/report.json")));
            kafka.send(
                    Topics.MODEL_MERGED,
                    id,
                    Json.write(new ModelMerged(
                            PipelineEvent.SCHEMA_VERSION,
                            id,
                            now,
                            r,
                            "s3://lora/runs/" + id + "/merged/",
                            List.of(new ModelFile("model.safetensors", 1 << 20, "ff")),
                            "float32",
                            new Verification(3e-6),
                            true,
                            null)));
            kafka.send(Topics.MODEL_MERGED, "another-run", "{}");
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int code = WatchCommand.watch(
                id,
                infra.bootstrapServers(),
                Duration.ofSeconds(60),
                new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = text.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out)
                .contains("400 records in, 390 out")
                .contains("example (record 7; 4 of 15 tokens trained, in [[ ]]; turns end with </s>):")
                .contains("<s>[INST] Name a colour. [/INST][[ Blue.</s>]]")
                .contains("step 300/300")
                .contains("validation loss 1.1000")
                .contains("generation (n=20)")
                .contains("0.9500 ± 0.0500")
                .contains("+0.9500")
                .contains("s3://lora/runs/watch-ok/merged/");
    }

    @Test
    void failureEndsTheWatchWithItsMessage() {
        String id = "watch-failed";
        try (KafkaTestClient kafka = new KafkaTestClient(infra.bootstrapServers())) {
            kafka.send(
                    Topics.PIPELINE_FAILED,
                    id,
                    Json.write(PipelineFailed.of(
                            id,
                            request(id),
                            Stage.TRAINING,
                            ErrorCodes.DIVERGED,
                            "loss became NaN at step 12",
                            false,
                            List.of())));
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int code = WatchCommand.watch(
                id,
                infra.bootstrapServers(),
                Duration.ofSeconds(60),
                new PrintStream(text, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("FAILED at training (DIVERGED): loss became NaN");
    }
}

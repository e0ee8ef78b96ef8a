package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.lorapipe.cli.stack.EmbeddedStack;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.sweep.SweepCompleted;
import org.lorapipe.contract.sweep.SweepRunEnded;
import org.lorapipe.contract.sweep.SweepRunStatus;
import org.lorapipe.testkit.KafkaTestClient;

/**
 * A sweep through the real services, on the end-to-end test's stack: {@code lora sweep submit} publishes
 * it, the sweep-service fans it out into runs of the four stages, {@code lora sweep watch} follows it to
 * its end and {@code lora sweep report} pulls the report. One setting cannot be trained (its sequences are
 * too short for any example): its runs fail in the dataset stage and are rows of the report, not the end
 * of the sweep. Runs on a zoo model {@link ArchitectureRuns} imported, with its small data set.
 */
final class SweepEndToEnd {
    static final String SWEEP_ID = "e2e-sweep";

    private final EmbeddedStack stack;
    private final Path work;
    private final PrintStream log;

    SweepEndToEnd(EmbeddedStack stack, Path work, PrintStream log) {
        this.stack = stack;
        this.work = work;
        this.log = log;
    }

    /** Submits the sweep with the CLI (after {@link ArchitectureRuns#submit()}: it needs its model and data). */
    void submit() throws IOException {
        Path file = Files.createDirectories(work).resolve("sweep.json");
        Files.writeString(
                file,
                """
                {"sweepId": "%s", "title": "LoRA, and a setting that cannot train",
                 "base": {"baseModel": "s3://lora/models/zoo-llama-3-2",
                          "dataset": {"uri": "s3://lora/data/zoo/train.jsonl", "promptTemplate": "plain",
                                      "maxSeqLength": 128, "truncate": true, "validationFraction": 0.1},
                          "lora": {"r": 4, "alpha": 8, "dropout": 0.0},
                          "training": {"maxSteps": 2, "microBatchSize": 2, "warmupSteps": 0, "learningRate": 1e-2},
                          "evaluation": {"tasks": [{"name": "perplexity", "limit": 8}]},
                          "merge": {"enabled": false}},
                 "settings": [{"name": "LoRA"}, {"dataset.maxSeqLength": 8, "dataset.truncate": false}],
                 "seeds": [1, 2]}
                """
                        .formatted(SWEEP_ID));
        Cli.Run r = Cli.run("sweep", "submit", file.toString(), "--bootstrap-server", stack.bootstrapServers());
        assertThat(r.code()).as("lora sweep submit: " + r.out() + r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo(SWEEP_ID);
    }

    /** Follows the sweep to its end with {@code lora sweep watch}, then checks its events and its report. */
    void verify() throws IOException {
        Cli.Run watch =
                Cli.run("sweep", "watch", SWEEP_ID, "--timeout", "4m", "--bootstrap-server", stack.bootstrapServers());
        assertThat(watch.code())
                .as("lora sweep watch: " + watch.out() + watch.err())
                .isZero();
        assertThat(watch.out()).contains("4 of 4 run(s) ended").contains("completed: 4 run(s), 2 failed");

        SweepCompleted completed;
        try (KafkaTestClient kafka = new KafkaTestClient(stack.bootstrapServers())) {
            completed = Json.read(
                    kafka.awaitRecord(Topics.SWEEP_COMPLETED, SWEEP_ID, Duration.ofSeconds(30))
                            .value(),
                    SweepCompleted.class);
        }
        assertThat(completed.runs())
                .extracting(SweepRunStatus::state)
                .containsExactly(
                        SweepRunEnded.NOT_MERGED, SweepRunEnded.NOT_MERGED, SweepRunEnded.FAILED, SweepRunEnded.FAILED);
        assertThat(completed.runs().get(2).error().code()).isEqualTo(ErrorCodes.INVALID_INPUT);
        assertThat(completed.runs().subList(0, 2)).allSatisfy(r -> {
            assertThat(r.trainLoss()).isPositive();
            // each run's own peak, and the trainer's prediction made before it trained, within 15%
            assertThat(r.estimatedPeakBytes())
                    .as(r.requestId() + " predicted peak")
                    .isNotNull();
            assertThat(Math.abs(r.estimatedPeakBytes() - r.peakRssBytes()) / (double) r.peakRssBytes())
                    .as(r.requestId() + " memory estimate's error")
                    .isLessThan(0.15);
        });
        // the two seeds of one setting trained differently (the seed reached the trainer)
        assertThat(completed.runs().get(0).trainLoss())
                .isNotEqualTo(completed.runs().get(1).trainLoss());

        Cli.useS3Keys(EmbeddedStack.ACCESS_KEY, EmbeddedStack.SECRET_KEY);
        Path report = work.resolve("report");
        try {
            Cli.Run pulled = Cli.run(
                    "sweep",
                    "report",
                    SWEEP_ID,
                    report.toString(),
                    "--s3-endpoint",
                    stack.storage().endpoint());
            assertThat(pulled.code())
                    .as("lora sweep report: " + pulled.out() + pulled.err())
                    .isZero();
        } finally {
            Cli.forgetS3Keys();
        }
        JsonNode json = Json.mapper().readTree(report.resolve("report.json").toFile());
        assertThat(json.path("sweepId").asText()).isEqualTo(SWEEP_ID);
        log.println("sweep: " + completed.runsTotal() + " runs (" + completed.runsFailed()
                + " failed on purpose) submitted, followed and reported");
    }
}

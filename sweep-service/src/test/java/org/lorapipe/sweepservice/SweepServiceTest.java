package org.lorapipe.sweepservice;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.contract.sweep.SweepCompleted;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepProgress;
import org.lorapipe.contract.sweep.SweepRunEnded;
import org.lorapipe.contract.sweep.SweepRunStatus;
import org.lorapipe.service.testing.DashboardMetrics;
import org.lorapipe.service.testing.TestKeys;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.testkit.KafkaTestClient;
import org.lorapipe.testkit.LoraInfraTestResource;
import org.lorapipe.testkit.NeedsInfra;

/**
 * The sweep-service through the real Kafka broker and S3 server. The stages are not running here: the
 * test plays them, publishing each run's last event (and the files a run leaves) as they would.
 */
@QuarkusTest
@QuarkusTestResource(LoraInfraTestResource.class)
@NeedsInfra
class SweepServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    ObjectStore store;

    private KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String sweep(String sweepId, String grid) {
        return """
                {"sweepId": "%s", "title": "Rank",
                 "base": {"baseModel": "s3://lora/models/stories260K",
                          "dataset": {"uri": "s3://lora/data/stories-instruct/train.jsonl"},
                          "merge": {"enabled": false}},
                 "grid": %s, "seeds": [1, 2]}"""
                .formatted(sweepId, grid);
    }

    @Test
    void aSweepFansOutIntoRunsFollowsThemAndCompletesWithAReport() {
        String sweepId = id("rank");
        kafka.send(Topics.SWEEP_REQUESTED, sweepId, sweep(sweepId, "{\"lora.r\": [4, 16]}"));

        // four runs: r=4 with seeds 1, 2, then r=16 with seeds 1, 2
        // runs are keyed by their own ids, so they spread over the topic's partitions: collect them by n
        java.util.TreeMap<Integer, ConsumerRecord<String, String>> byRun = new java.util.TreeMap<>();
        while (byRun.size() < 4) {
            kafka.poll(Topics.TRAINING_REQUESTED, r -> r.key().startsWith(sweepId + "-"), WAIT)
                    .forEach(r -> byRun.put(Integer.parseInt(r.key().substring(sweepId.length() + 1)), r));
        }
        List<ConsumerRecord<String, String>> requests = List.copyOf(byRun.values());
        assertThat(requests)
                .extracting(ConsumerRecord::key)
                .containsExactly(sweepId + "-1", sweepId + "-2", sweepId + "-3", sweepId + "-4");
        TrainingRequest third = new RequestParser("lora").parse(requests.get(2).value());
        assertThat(third.lora().r()).isEqualTo(16);
        assertThat(third.training().seed()).isEqualTo(1);
        assertThat(third.merge().enabled()).isFalse();

        SweepProgress accepted = Json.read(
                kafka.awaitRecord(Topics.SWEEP_PROGRESS, sweepId, WAIT).value(), SweepProgress.class);
        assertThat(accepted.runsTotal()).isEqualTo(4);
        assertThat(accepted.runs()).extracting(SweepRunStatus::state).containsOnly(SweepRunStatus.QUEUED);
        assertThat(store.exists(store.uri(BucketLayout.sweep(sweepId) + SweepPlan.FILE)))
                .isTrue();

        // run 1 trains and is not merged on purpose; run 3 fails in the dataset stage
        endTrained(requests.get(0).value(), 1.25);
        SweepProgress one = awaitProgress(sweepId, 1);
        assertThat(one.runs().get(0).state()).isEqualTo(SweepRunEnded.NOT_MERGED);
        assertThat(one.runs().get(0).trainLoss()).isEqualTo(1.25);
        assertThat(one.runs().get(0).peakRssBytes()).isEqualTo(300L << 20);
        assertThat(one.reportUri()).isEqualTo("s3://lora/" + BucketLayout.sweepReport(sweepId));
        assertThat(store.isPublished(store.uri(BucketLayout.sweepReport(sweepId))))
                .isTrue();

        kafka.send(
                Topics.PIPELINE_FAILED,
                sweepId + "-3",
                Json.write(PipelineFailed.of(
                        sweepId + "-3",
                        null,
                        Stage.DATASET,
                        ErrorCodes.CONFLICT,
                        "the id names another run",
                        false,
                        null)));
        SweepProgress two = awaitProgress(sweepId, 2);
        assertThat(two.runsFailed()).isEqualTo(1);
        assertThat(two.runs().get(2).state()).isEqualTo(SweepRunEnded.FAILED);
        assertThat(two.runs().get(2).error().code()).isEqualTo(ErrorCodes.CONFLICT);

        // run 1 ends again (its request was sent again): nothing changes, nothing is published
        kafka.send(
                Topics.MODEL_MERGED, sweepId + "-1", notMerged(requests.get(0).value()));
        endTrained(requests.get(1).value(), 1.5);
        endTrained(requests.get(3).value(), 1.0);
        SweepCompleted done = Json.read(
                kafka.awaitRecord(Topics.SWEEP_COMPLETED, sweepId, WAIT).value(), SweepCompleted.class);
        assertThat(done.runsTotal()).isEqualTo(4);
        assertThat(done.runsFailed()).isEqualTo(1);
        assertThat(done.runs()).extracting(SweepRunStatus::trainLoss).containsExactly(1.25, 1.5, null, 1.0);
        assertThat(kafka.drain(Topics.SWEEP_PROGRESS, Duration.ofSeconds(1)).stream()
                        .filter(r -> sweepId.equals(r.key()))
                        .map(r -> Json.read(r.value(), SweepProgress.class).runsEnded()))
                .as("one progress per run's first end; the repeated end of run 1 published nothing")
                .containsExactly(3, 4);
        String report = store.getString(store.uri(BucketLayout.sweepReport(sweepId) + "report.json"));
        assertThat(report).contains(sweepId + "-4");

        given().auth()
                .oauth2(TestKeys.ADMIN)
                .get("/api/jobs/" + sweepId)
                .then()
                .statusCode(200)
                .body("state", equalTo("done"));
        // after a real sweep: the dashboard's series of this service (S3 traffic, consumer lag) are exported
        String scrape =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        DashboardMetrics.assertExports("sweep-service", scrape);
        assertThat(scrape).containsPattern("lora_s3_bytes_total\\{direction=\"write\"[^}]*} [1-9]");
    }

    @Test
    void aBadSweepIsRefusedWithEveryProblemAndNothingIsPublished() {
        String sweepId = id("bad");
        kafka.send(Topics.SWEEP_REQUESTED, sweepId, sweep(sweepId, "{\"lora.r\": [8, 0], \"training.seed\": [3]}"));
        PipelineFailed failed = Json.read(
                kafka.awaitRecord(Topics.PIPELINE_FAILED, sweepId, WAIT).value(), PipelineFailed.class);
        assertThat(failed.stage()).isEqualTo(Stage.SWEEP);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(failed.problems()).anySatisfy(p -> assertThat(p).contains("training.seed cannot be set"));
        assertThat(kafka.drain(Topics.TRAINING_REQUESTED, Duration.ofSeconds(1)).stream()
                        .filter(r -> r.key().startsWith(sweepId)))
                .isEmpty();
        assertThat(store.exists(store.uri(BucketLayout.sweep(sweepId) + SweepPlan.FILE)))
                .isFalse();

        // not JSON at all: a dead letter and a failure, and the next sweep is still served
        kafka.sendRaw(Topics.SWEEP_REQUESTED, sweepId + "-junk", "{nope".getBytes());
        kafka.awaitRecord(Topics.DEAD_LETTER, sweepId + "-junk", WAIT);
        String next = id("next");
        kafka.send(Topics.SWEEP_REQUESTED, next, sweep(next, "{\"lora.r\": [4]}"));
        kafka.awaitRecord(Topics.SWEEP_PROGRESS, next, WAIT);
    }

    @Test
    void anotherSweepUnderATakenIdIsAConflictAndTheSameOneIsPublishedAgain() {
        String sweepId = id("same");
        kafka.send(Topics.SWEEP_REQUESTED, sweepId, sweep(sweepId, "{\"lora.r\": [4]}"));
        kafka.awaitRecord(Topics.SWEEP_PROGRESS, sweepId, WAIT);
        kafka.send(Topics.SWEEP_REQUESTED, sweepId, sweep(sweepId, "{\"lora.r\": [8]}"));
        PipelineFailed conflict = Json.read(
                kafka.awaitRecord(Topics.PIPELINE_FAILED, sweepId, WAIT).value(), PipelineFailed.class);
        assertThat(conflict.error().code()).isEqualTo(ErrorCodes.CONFLICT);
        assertThat(conflict.error().message()).contains("new sweepId");

        kafka.send(Topics.SWEEP_REQUESTED, sweepId, sweep(sweepId, "{\"lora.r\": [4]}"));
        kafka.awaitRecord(Topics.SWEEP_PROGRESS, sweepId, WAIT);
    }

    @Test
    void aRunNamedLikeASweepRunWithoutAPlanIsNotOurs() {
        String run = id("lonely") + "-1";
        kafka.send(
                Topics.PIPELINE_FAILED,
                run,
                Json.write(PipelineFailed.of(run, null, Stage.TRAINING, ErrorCodes.DIVERGED, "nan", false, null)));
        assertThat(kafka.drain(Topics.SWEEP_RUNS, Duration.ofSeconds(2)).stream()
                        .filter(r -> run.startsWith(r.key())))
                .isEmpty();
    }

    private SweepProgress awaitProgress(String sweepId, int ended) {
        return Json.read(
                kafka.poll(
                                Topics.SWEEP_PROGRESS,
                                r -> sweepId.equals(r.key())
                                        && Json.read(r.value(), SweepProgress.class)
                                                        .runsEnded()
                                                == ended,
                                WAIT)
                        .get(0)
                        .value(),
                SweepProgress.class);
    }

    /** What a run leaves when it trained and was not merged on purpose: training.json and the last event. */
    private void endTrained(String requestJson, double trainLoss) {
        TrainingRequest request = new RequestParser("lora").parse(requestJson);
        String id = request.requestId();
        TrainingRecord record = new TrainingRecord(
                new TrainingMetrics(trainLoss, 1.5, 4096, 2000, 300L << 20, 2048.0, 1024, 260_000),
                List.of(new LossPoint(1, 3.0, 1e-4), new LossPoint(2, trainLoss, 1e-4)));
        store.putString(store.uri(BucketLayout.adapter(id) + TrainingRecord.FILE), Json.write(record));
        kafka.send(Topics.MODEL_MERGED, id, notMerged(requestJson));
    }

    private static String notMerged(String requestJson) {
        TrainingRequest request = new RequestParser("lora").parse(requestJson);
        return Json.write(new ModelMerged(
                1,
                request.requestId(),
                Instant.now(),
                request,
                null,
                null,
                null,
                null,
                false,
                "merge.enabled is false"));
    }
}

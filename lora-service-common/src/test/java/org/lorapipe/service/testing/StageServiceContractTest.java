package org.lorapipe.service.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.arc.Arc;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.json.Json;
import org.lorapipe.service.jobs.StageOutput;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.testkit.KafkaTestClient;
import org.lorapipe.testkit.NeedsInfra;

/**
 * What every stage service promises at its door, checked through the REAL broker (the subclass is a
 * {@code @QuarkusTest} with {@code LoraInfraTestResource}): an invalid input yields one
 * {@code lora.pipeline.failed} naming every problem, a record that is not JSON also lands on
 * {@code lora.dead-letter} with its bytes, the service stays healthy, and {@code /api/jobs/{id}}
 * tells what happened (to an admin: a record sent straight to Kafka names no principal).
 */
@NeedsInfra
public abstract class StageServiceContractTest {
    private static final Duration WAIT = Duration.ofSeconds(45);

    protected KafkaTestClient kafka;

    /** The topic the service consumes. */
    protected abstract String inputTopic();

    /** The stage it reports failures as. */
    protected abstract Stage stage();

    /** An input whose request has r = 0 and lacks baseModel and dataset (and whatever else the event needs). */
    protected abstract String invalidInput(String requestId);

    /** Substrings the failure message must contain for {@link #invalidInput}. */
    protected abstract List<String> expectedProblems();

    /** A valid input for this stage (prepare what it points at in storage here). */
    protected abstract String validInput(String requestId);

    /** The state a valid input reaches in the job view: "accepted" while the stage has no work yet. */
    protected String stateOfValidInput() {
        return "accepted";
    }

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    protected static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void invalidInputYieldsOneFailureEventListingEveryProblem() {
        String id = id("invalid");
        kafka.send(inputTopic(), id, invalidInput(id));

        ConsumerRecord<String, String> record = kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT);
        PipelineFailed failed = Json.read(record.value(), PipelineFailed.class);
        assertThat(failed.requestId()).isEqualTo(id);
        assertThat(failed.stage()).isEqualTo(stage());
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(failed.retriable()).isFalse();
        assertThat(failed.error().message()).contains(expectedProblems());
        assertThat(failed.problems())
                .hasSizeGreaterThanOrEqualTo(expectedProblems().size());
        assertThat(header(record, "ce_type")).isEqualTo(Topics.PIPELINE_FAILED);
        assertThat(header(record, "ce_specversion")).isEqualTo("1.0");

        given().auth()
                .oauth2(TestKeys.ADMIN)
                .get("/api/jobs/" + id)
                .then()
                .statusCode(200)
                .body("state", equalTo("failed"))
                .body("stage", equalTo(stage().wire()))
                .body("message", containsString("r must be a positive integer"));
        assertThat(kafka.drain(Topics.PIPELINE_FAILED, Duration.ofSeconds(2)).stream()
                        .filter(r -> id.equals(r.key())))
                .as("exactly one failure event")
                .isEmpty();
    }

    @Test
    void notJsonGoesToTheDeadLetterTopicAndTheServiceKeepsServing() {
        String key = id("junk");
        byte[] junk = "not json".getBytes(StandardCharsets.UTF_8);
        kafka.sendRaw(inputTopic(), key, junk);

        ConsumerRecord<String, String> dead = kafka.awaitRecord(Topics.DEAD_LETTER, key, WAIT);
        assertThat(dead.value()).isEqualTo("not json");
        assertThat(header(dead, "lora_original_topic")).isEqualTo(inputTopic());
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, key, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.NOT_JSON);

        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        // and it still handles the next record
        String next = id("after-junk");
        kafka.send(inputTopic(), next, invalidInput(next));
        kafka.awaitRecord(Topics.PIPELINE_FAILED, next, WAIT);
    }

    @Test
    void validInputIsHandledOnceEvenWhenDeliveredTwice() {
        String id = id("valid");
        String input = validInput(id);
        kafka.send(inputTopic(), id, input);
        kafka.send(inputTopic(), id, input);
        org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() -> given().auth()
                .oauth2(TestKeys.ADMIN)
                .get("/api/jobs/" + id)
                .then()
                .statusCode(200)
                .body("state", equalTo(stateOfValidInput())));
        assertThat(kafka.drain(Topics.PIPELINE_FAILED, Duration.ofSeconds(3)).stream()
                        .filter(r -> id.equals(r.key())))
                .as("no failure for a valid input")
                .isEmpty();
        if (stateOfValidInput().equals("done")) {
            assertTheDashboardsSeriesAreExported();
        }
    }

    /**
     * After a real job: {@code /q/metrics} (open, like the health endpoints) has every series the
     * Grafana dashboard draws for this service, and counted the job.
     */
    private void assertTheDashboardsSeriesAreExported() {
        String scrape =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        String service = ConfigProvider.getConfig().getValue("lora.service.name", String.class);
        DashboardMetrics.assertExports(service, scrape);
        assertThat(scrape)
                .containsPattern("lora_jobs_finished_total\\{[^}]*outcome=\"done\"[^}]*stage=\"" + stage().wire()
                        + "\"[^}]*} [1-9]");
    }

    @Test
    void aJobThisInstanceNeverSawIsAnsweredFromStorage() throws Exception {
        ObjectStore store = Arc.container().instance(ObjectStore.class).get();
        StageOutput output = Arc.container().instance(StageOutput.class).get();
        String id = id("elsewhere");
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("published-");
        java.nio.file.Files.writeString(dir.resolve("result.json"), "{}");
        store.publish(output.outputFolder(id), dir); // as another replica would have published it
        given().auth()
                .oauth2(TestKeys.ADMIN)
                .get("/api/jobs/" + id)
                .then()
                .statusCode(200)
                .body("state", equalTo("done"))
                .body("message", containsString(output.outputFolder(id).toString()));
        given().auth().oauth2(TestKeys.ADMIN).get("/api/jobs/..%2Fx").then().statusCode(404);
    }

    @Test
    void unknownJobIsNotFound() {
        given().auth()
                .oauth2(TestKeys.ADMIN)
                .get("/api/jobs/never-seen")
                .then()
                .statusCode(404)
                .body("message", containsString("never-seen"));
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}

package org.lorapipe.dataset;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.service.testing.SampleEvents;
import org.lorapipe.service.testing.TestKeys;
import org.lorapipe.testkit.KafkaTestClient;
import org.lorapipe.testkit.LoraInfraTestResource;
import org.lorapipe.testkit.NeedsInfra;

/** POST /api/requests: 202 and the same Kafka event as `lora submit`, or 400 with every problem. */
@QuarkusTest
@QuarkusTestResource(LoraInfraTestResource.class)
@NeedsInfra
class RequestsResourceTest {
    @Test
    void validRequestIsPublishedWithItsDefaults() {
        String id = "http-" + System.nanoTime();
        given().auth()
                .oauth2(TestKeys.ALICE)
                .contentType("application/json")
                .body(SampleEvents.requestJson(id))
                .post("/api/requests")
                .then()
                .statusCode(202)
                .body("requestId", equalTo(id));
        try (KafkaTestClient kafka =
                new KafkaTestClient(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class))) {
            String value = kafka.awaitRecord(Topics.TRAINING_REQUESTED, id, Duration.ofSeconds(30))
                    .value();
            TrainingRequest published = Json.read(value, TrainingRequest.class);
            assertThat(published.lora().r()).isEqualTo(8);
            assertThat(published.training().checkpointEverySteps()).isEqualTo(50);
        }
    }

    @Test
    void invalidRequestIs400WithEveryProblem() {
        given().auth()
                .oauth2(TestKeys.ALICE)
                .contentType("application/json")
                .body("{\"requestId\":\"x\",\"lora\":{\"r\":0}}")
                .post("/api/requests")
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        hasItems(
                                org.hamcrest.Matchers.startsWith("baseModel is required"),
                                org.hamcrest.Matchers.startsWith("dataset is required"),
                                equalTo("lora.r must be a positive integer, got 0")));
        given().auth()
                .oauth2(TestKeys.ALICE)
                .contentType("application/json")
                .body("not json")
                .post("/api/requests")
                .then()
                .statusCode(400);
    }

    @Test
    void aBodyOverTheRequestSizeLimitIs413AndNothingIsPublished() {
        String id = "http-big-" + System.nanoTime();
        String big =
                SampleEvents.requestJson(id).replaceFirst("\\{", "{\"padding\": \"" + "p".repeat(300_000) + "\", ");
        given().auth()
                .oauth2(TestKeys.ALICE)
                .contentType("application/json")
                .body(big)
                .post("/api/requests")
                .then()
                .statusCode(413);
        try (KafkaTestClient kafka =
                new KafkaTestClient(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class))) {
            assertThat(kafka.drain(Topics.TRAINING_REQUESTED, Duration.ofSeconds(3)))
                    .noneSatisfy(r -> assertThat(r.key()).isEqualTo(id));
        }
    }
}

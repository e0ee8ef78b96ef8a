package org.lorapipe.dataset;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Every service serves its OpenAPI document and Swagger UI without a token (this boot stands for all:
     * the settings and the jobs API come from lora-service-common); the document names the API's paths,
     * the bearer scheme and the error bodies.
     */
    @Test
    void openApiDocumentAndSwaggerUiAreServed() {
        given().accept("application/json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("info.title", equalTo("LoRA pipeline: dataset-service"))
                .body("paths", hasKey("/api/requests"))
                .body("paths", hasKey("/api/jobs"))
                .body("paths", hasKey("/api/jobs/{requestId}"))
                .body("paths.'/api/requests'.post.responses", hasKey("400"))
                .body("paths.'/api/requests'.post.security[0]", hasKey("bearer"))
                .body("paths.'/api/jobs/{requestId}'.get.responses", hasKey("404"))
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("components.schemas.Refused.properties", hasKey("problems"))
                .body("components.schemas.Unauthorized.properties", hasKey("howToAuthenticate"));
        given().get("/q/swagger-ui").then().statusCode(200).body(containsString("swagger"));
    }

    /**
     * docs/openapi/dataset-service.yaml is what the service serves (compared as YAML trees, so key order
     * does not matter); when the API changes, the served document is left in target/openapi/ to copy.
     */
    @Test
    void theCommittedOpenApiDocumentIsTheServedOne() throws IOException {
        String served =
                given().get("/q/openapi").then().statusCode(200).extract().asString();
        Path root = Path.of(System.getProperty("lora.project.root", ".."));
        Path committed = root.resolve("docs/openapi/dataset-service.yaml");
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode expected = Files.exists(committed) ? yaml.readTree(Files.readString(committed)) : null;
        JsonNode actual = yaml.readTree(served);
        if (!actual.equals(expected)) {
            Path fresh = Path.of("target/openapi/dataset-service.yaml");
            Files.createDirectories(fresh.getParent());
            Files.writeString(fresh, served);
            throw new AssertionError(committed.normalize() + " is not what the dataset-service serves at /q/openapi"
                    + " (the resources' @Operation/@APIResponse annotations or their bodies changed). Check the"
                    + " change is meant, then: cp dataset-service/" + fresh + " docs/openapi/dataset-service.yaml");
        }
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

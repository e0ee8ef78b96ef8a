package org.lorapipe.dataset;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.json.Json;
import org.lorapipe.service.jobs.JobRegistry;
import org.lorapipe.service.jobs.RunOwners;
import org.lorapipe.service.messaging.PrincipalHeader;
import org.lorapipe.service.testing.SampleEvents;
import org.lorapipe.service.testing.TestKeys;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.KafkaTestClient;
import org.lorapipe.testkit.LoraInfraTestResource;
import org.lorapipe.testkit.NeedsInfra;

/**
 * Bearer keys on the HTTP API, through the real HTTP path, broker and S3 server (the same application
 * as the other tests here: static keys alice, bob and the admin ops, see TestKeys). The runs submitted
 * here have no dataset uploaded: the dataset stage records their owner, then fails them, which is
 * enough to look at who sees what.
 */
@QuarkusTest
@QuarkusTestResource(LoraInfraTestResource.class)
@NeedsInfra
class ApiAuthTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ObjectStore store;

    @Inject
    RunOwners owners;

    @Inject
    JobRegistry registry;

    private KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void withoutAValidTokenTheApiIs401AndSaysHowToAuthenticateWhileHealthStaysOpen() {
        given().contentType("application/json")
                .body(SampleEvents.requestJson(id("anon")))
                .post("/api/requests")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer"))
                .body("howToAuthenticate", containsString("Authorization: Bearer"));
        given().get("/api/jobs").then().statusCode(401).header("WWW-Authenticate", equalTo("Bearer"));
        given().get("/api/jobs/some-id").then().statusCode(401);

        given().auth()
                .oauth2("not-a-key-of-this-service")
                .get("/api/jobs")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer"))
                .body("message", containsString("refused"));
        given().header("Authorization", "Basic YWxpY2U6YWxpY2U=")
                .get("/api/jobs")
                .then()
                .statusCode(401);

        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void theSubmitterAndAdminsSeeTheJobAnyoneElseGets404AsForAnUnknownId() {
        String id = id("owned-view");
        submit(TestKeys.ALICE, id).statusCode(202).body("requestId", equalTo(id));

        Awaitility.await().atMost(WAIT).untilAsserted(() -> given().auth()
                .oauth2(TestKeys.ALICE)
                .get("/api/jobs/" + id)
                .then()
                .statusCode(200)
                .body("requestId", equalTo(id)));
        given().auth().oauth2(TestKeys.ADMIN).get("/api/jobs/" + id).then().statusCode(200);
        String hidden = given().auth()
                .oauth2(TestKeys.BOB)
                .get("/api/jobs/" + id)
                .then()
                .statusCode(404)
                .extract()
                .body()
                .asString();
        String unknown = given().auth()
                .oauth2(TestKeys.BOB)
                .get("/api/jobs/never-" + id)
                .then()
                .statusCode(404)
                .extract()
                .body()
                .asString();
        assertThat(hidden.replace(id, "X")).isEqualTo(unknown.replace("never-" + id, "X"));
    }

    @Test
    void theListShowsACallerItsOwnJobsAndAnAdminAll() {
        String mine = id("list-alice");
        String theirs = id("list-bob");
        String ownerless = id("list-kafka");
        // held jobs, as the consumer records them when it takes a record (the header's principal)
        registry.accept(mine, "queued", "a", "alice");
        registry.accept(theirs, "queued", "b", "bob");
        registry.accept(ownerless, "queued", "c", null);
        try {
            given().auth()
                    .oauth2(TestKeys.ALICE)
                    .get("/api/jobs")
                    .then()
                    .statusCode(200)
                    .body("held", hasItems(mine))
                    .body("held", not(hasItems(theirs)))
                    .body("held", not(hasItems(ownerless)));
            given().auth()
                    .oauth2(TestKeys.ADMIN)
                    .get("/api/jobs")
                    .then()
                    .statusCode(200)
                    .body("held", hasItems(mine, theirs, ownerless));
            given().auth()
                    .oauth2(TestKeys.ALICE)
                    .get("/api/jobs/" + ownerless)
                    .then()
                    .statusCode(404);
        } finally {
            List.of(mine, theirs, ownerless).forEach(registry::release);
        }
    }

    @Test
    void thePrincipalTravelsToTheOwnershipRecordAndTheSameIdFromAnotherPrincipalIsAConflict() {
        String id = id("owned-conflict");
        submit(TestKeys.ALICE, id).statusCode(202);
        ConsumerRecord<String, String> published = kafka.awaitRecord(Topics.TRAINING_REQUESTED, id, WAIT);
        assertThat(new String(
                        published.headers().lastHeader(PrincipalHeader.NAME).value(), StandardCharsets.UTF_8))
                .isEqualTo("alice");
        // alice's run fails (no dataset uploaded) after its owner and request are recorded
        PipelineFailed first = awaitFailure(id, ErrorCodes.INPUT_NOT_FOUND);
        assertThat(first.requestId()).isEqualTo(id);
        assertThat(owners.principalOf(id)).isEqualTo("alice");
        assertThat(store.getString(S3Uri.parse("s3://lora/runs/" + id + "/owner.json")))
                .contains("\"principal\":\"alice\"");

        // bob, the very same request under alice's id: the HTTP API takes it, the dataset stage refuses it
        submit(TestKeys.BOB, id).statusCode(202);
        PipelineFailed conflict = awaitFailure(id, ErrorCodes.CONFLICT);
        assertThat(conflict.retriable()).isFalse();
        assertThat(conflict.error().message())
                .contains("another principal", "new requestId")
                .doesNotContain("alice");
        assertThat(owners.principalOf(id)).isEqualTo("alice");
        // bob may read the failure of what he sent; the run stays alice's
        given().auth()
                .oauth2(TestKeys.BOB)
                .get("/api/jobs/" + id)
                .then()
                .statusCode(200)
                .body("state", equalTo("failed"))
                .body("message", containsString("another principal"));
    }

    private static io.restassured.response.ValidatableResponse submit(String key, String id) {
        return given().auth()
                .oauth2(key)
                .contentType("application/json")
                .body(SampleEvents.requestJson(id))
                .post("/api/requests")
                .then();
    }

    private PipelineFailed awaitFailure(String id, String code) {
        return kafka
                .poll(
                        Topics.PIPELINE_FAILED,
                        r -> id.equals(r.key())
                                && Json.read(r.value(), PipelineFailed.class)
                                        .error()
                                        .code()
                                        .equals(code),
                        WAIT)
                .stream()
                .map(r -> Json.read(r.value(), PipelineFailed.class))
                .findFirst()
                .orElseThrow();
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

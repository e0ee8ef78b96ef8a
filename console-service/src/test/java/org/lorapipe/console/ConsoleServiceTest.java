package org.lorapipe.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.Topics;
import org.lorapipe.service.messaging.PrincipalHeader;
import org.lorapipe.service.testing.SampleEvents;
import org.lorapipe.service.testing.TestKeys;
import org.lorapipe.testkit.KafkaTestClient;
import org.lorapipe.testkit.LoraInfraTestResource;
import org.lorapipe.testkit.NeedsInfra;

/** The console on a real broker and S3 server: the check, the submission, the read model, the pages. */
@QuarkusTest
@QuarkusTestResource(LoraInfraTestResource.class)
@NeedsInfra
class ConsoleServiceTest {
    private static KafkaTestClient kafka() {
        return new KafkaTestClient(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @Test
    void theCheckNamesEveryProblemsFieldAndSendsNothing() {
        JsonPath verdict = given().auth()
                .oauth2(TestKeys.ALICE)
                .contentType("application/json")
                .body("{\"requestId\": \"c-1\", \"baseModel\": \"s3://lora/models/m\","
                        + " \"dataset\": {\"uri\": \"http://elsewhere/x.jsonl\"}, \"lora\": {\"r\": 0, \"rr\": 1}}")
                .post("/api/requests/check")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(verdict.getBoolean("valid")).isFalse();
        List<String> fields = verdict.getList("problems.field");
        assertThat(fields).contains("dataset.uri", "lora.r", "lora.rr");
        given().contentType("application/json")
                .body("{}")
                .post("/api/requests/check")
                .then()
                .statusCode(401);
    }

    @Test
    void aValidRequestIsPublishedWithItsSubmitterAndShownToItAlone() {
        String id = "console-submit-1";
        given().auth()
                .oauth2(TestKeys.ALICE)
                .contentType("application/json")
                .body(SampleEvents.requestJson(id))
                .post("/api/requests")
                .then()
                .statusCode(202);
        try (KafkaTestClient kafka = kafka()) {
            ConsumerRecord<String, String> record =
                    kafka.awaitRecord(Topics.TRAINING_REQUESTED, id, Duration.ofSeconds(20));
            assertThat(PrincipalHeader.of(record.headers())).isEqualTo("alice");
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().auth()
                .oauth2(TestKeys.ALICE)
                .get("/api/runs/" + id)
                .then()
                .statusCode(200));
        given().auth().oauth2(TestKeys.BOB).get("/api/runs/" + id).then().statusCode(404);
        assertThat(given().auth()
                        .oauth2(TestKeys.BOB)
                        .get("/api/runs")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("requestId"))
                .doesNotContain(id);
        given().auth().oauth2(TestKeys.ADMIN).get("/api/runs/" + id).then().statusCode(200);
    }

    @Test
    void eventsOnTheTopicsBecomeTheRunsView() {
        String id = "console-events-1";
        try (KafkaTestClient kafka = kafka()) {
            kafka.send(Topics.TRAINING_REQUESTED, id, SampleEvents.requestJson(id));
            kafka.send(Topics.DATASET_PREPARED, id, SampleEvents.datasetPrepared(id));
            kafka.send(Topics.ADAPTER_TRAINED, id, SampleEvents.adapterTrained(id));
            kafka.send(Topics.EVALUATION_COMPLETED, id, SampleEvents.evaluationCompleted(id));
            kafka.send(Topics.TRAINING_REQUESTED, "bad", "not json");
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonPath run = given().auth()
                    .oauth2(TestKeys.ADMIN)
                    .get("/api/runs/" + id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertThat(run.getString("run.stages.evaluation")).isEqualTo("done");
            assertThat(run.getString("run.stages.merge")).isEqualTo("running");
            assertThat(run.getList("run.evaluation.metric")).contains("perplexity");
            assertThat(run.getLong("run.dataset.manifest.recordsIn")).isEqualTo(10);
        });
        assertThat(given().auth()
                        .oauth2(TestKeys.ADMIN)
                        .queryParam("q", "events-1")
                        .get("/api/runs")
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("requestId"))
                .containsExactly(id);
        given().get("/q/health/ready").then().statusCode(200);
    }

    /** The run page's live feed: the snapshot at once as a server-sent event, again at each change. */
    @Test
    void theEventStreamSendsTheRunAtOnceAndAtEveryChange() throws Exception {
        String id = "console-stream-1";
        try (KafkaTestClient kafka = kafka()) {
            kafka.send(Topics.TRAINING_REQUESTED, id, SampleEvents.requestJson(id));
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().auth()
                .oauth2(TestKeys.ADMIN)
                .get("/api/runs/" + id)
                .then()
                .statusCode(200));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<java.util.stream.Stream<String>> response = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                "http://127.0.0.1:" + io.restassured.RestAssured.port + "/api/runs/" + id + "/events"))
                        .header("Authorization", "Bearer " + TestKeys.ADMIN)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        java.util.Iterator<String> lines = response.body().iterator();
        String first = nextData(lines);
        assertThat(JsonPath.from(first).getString("stages.dataset")).isEqualTo("running");
        try (KafkaTestClient kafka = kafka()) {
            kafka.send(Topics.DATASET_PREPARED, id, SampleEvents.datasetPrepared(id));
        }
        String second = nextData(lines);
        assertThat(JsonPath.from(second).getString("stages.training")).isEqualTo("running");
        response.body().close();
    }

    private static String nextData(java.util.Iterator<String> lines) {
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data:")) {
                return line.substring(5).strip();
            }
        }
        throw new AssertionError("the stream ended");
    }

    @Test
    void downloadLinksNeedTheirSignature() {
        given().get("/download/runs/x/merged/config.json?expires=99999999999&sig=forged")
                .then()
                .statusCode(403);
    }

    /** The console works offline: no page, script or stylesheet names another host. */
    @Test
    void thePagesReferToNoOtherHost() throws IOException {
        Pattern url = Pattern.compile("https?://[^\"'\\s)]+");
        for (String page : List.of(
                "index.html",
                "run.html",
                "submit.html",
                "sweeps.html",
                "app.js",
                "app.css",
                "runs.js",
                "run.js",
                "submit.js",
                "sweeps.js")) {
            String served =
                    given().get("/" + page).then().statusCode(200).extract().asString();
            String source;
            try (InputStream in = getClass().getResourceAsStream("/META-INF/resources/" + page)) {
                source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(served).isEqualTo(source);
            Matcher m = url.matcher(served);
            while (m.find()) {
                assertThat(m.group()).as(page + " refers to " + m.group()).startsWith("http://www.w3.org/2000/svg");
            }
        }
    }
}

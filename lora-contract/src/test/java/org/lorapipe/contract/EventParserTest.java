package org.lorapipe.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.RenderedExample;
import org.lorapipe.contract.event.RunMemory;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.NotJsonException;
import org.lorapipe.contract.request.TrainingRequest;

class EventParserTest {
    private final EventParser parser = new EventParser("lora");
    private final TrainingRequest request = parser.requests()
            .parse("{\"requestId\": \"r1\", \"baseModel\": \"s3://lora/models/m\", \"dataset\": {\"uri\":"
                    + " \"s3://lora/data/d.jsonl\"}}");

    @Test
    void eventsRoundTripThroughJson() {
        RenderedExample shown = new RenderedExample(
                3,
                java.util.List.of(
                        new RenderedExample.Span("<s>### Instruction:\nHi\n\n### Response:\n", false),
                        new RenderedExample.Span("Hello</s>", true)),
                2,
                9,
                false);
        DatasetManifest manifest = new DatasetManifest(
                10, 8, Map.of("empty", 1L), 1, 0, 7, 1, 700, 90, 120, "alpaca", "abc", "</s>", shown);
        DatasetPrepared event = DatasetPrepared.of(request, "s3://lora/datasets/r1/", manifest);
        String json = Json.write(event);
        assertThat(json).contains("\"schemaVersion\":1").contains("\"occurredAt\":\"");
        assertThat(parser.parse(json, DatasetPrepared.class)).isEqualTo(event);
    }

    @Test
    void theEmbeddedRequestIsJudgedLikeAFreshOne() {
        String json = "{\"requestId\": \"r1\", \"request\": {\"requestId\": \"r1\", \"lora\": {\"r\": -1}},"
                + " \"datasetUri\": \"s3://lora/datasets/r1/\"}";
        assertThatThrownBy(() -> parser.parse(json, DatasetPrepared.class))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.requestId()).isEqualTo("r1");
                    assertThat(e.problems())
                            .contains("request: lora.r must be a positive integer, got -1")
                            .contains("manifest is required in DatasetPrepared");
                });
    }

    private AdapterTrained adapterTrained(String adapterUri) {
        return new AdapterTrained(
                PipelineEvent.SCHEMA_VERSION, "r1", java.time.Instant.now(), request, adapterUri, null);
    }

    @Test
    void aRunsMemoryTravelsWithItsMetricsAndOlderEventsWithoutItStillParse() {
        RunMemory memory = new RunMemory(
                900L << 20,
                200L << 20,
                380L << 20,
                1L << 20,
                1L << 20,
                2L << 20,
                880L << 20,
                Map.of("baseline", 200L << 20, "activations", 300L << 20, "total", 880L << 20));
        TrainingMetrics metrics = new TrainingMetrics(1.2, null, 1000, 5000, 900L << 20, 200, 10, 100, memory);
        AdapterTrained event = new AdapterTrained(
                PipelineEvent.SCHEMA_VERSION,
                "r1",
                java.time.Instant.now(),
                request,
                "s3://lora/runs/r1/adapter/",
                metrics);
        AdapterTrained read = parser.parse(Json.write(event), AdapterTrained.class);
        assertThat(read.metrics()).isEqualTo(metrics);
        assertThat(read.metrics().memory().estimate()).containsEntry("activations", 300L << 20);
        assertThat(read.metrics().memory().estimateError()).isCloseTo(900.0 / 880 - 1, within(1e-12));

        // as a trainer wrote it before the memory object existed: no "memory"
        String older = Json.write(event).replaceFirst(",\"memory\":\\{[^}]*\\{[^}]*}}", "");
        assertThat(older).doesNotContain("memory").contains("\"peakRssBytes\"");
        assertThat(parser.parse(older, AdapterTrained.class).metrics().memory()).isNull();
        // a newer trainer's part this reader does not know is read like the others
        String newer = Json.write(event).replace("\"total\"", "\"kvCache\":1,\"total\"");
        assertThat(parser.parse(newer, AdapterTrained.class).metrics().memory().estimate())
                .containsEntry("kvCache", 1L);
    }

    @Test
    void anEventCannotPointAStageAtAnotherRunsFiles() {
        assertThatThrownBy(() ->
                        parser.parse(Json.write(adapterTrained("s3://lora/runs/other/adapter/")), AdapterTrained.class))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problems())
                        .contains("adapterUri must be in s3://lora/runs/r1/adapter/ (the run's own folder), got"
                                + " 's3://lora/runs/other/adapter/'"));
        assertThatThrownBy(() -> parser.parse(
                        Json.write(adapterTrained("s3://lora/runs/r1/adapter/../../x/")), AdapterTrained.class))
                .hasMessageContaining("adapterUri must be in s3://lora/runs/r1/adapter/");
        AdapterTrained own = adapterTrained("s3://lora/runs/r1/adapter/");
        assertThat(parser.parse(Json.write(own), AdapterTrained.class).adapterUri())
                .isEqualTo(own.adapterUri());
    }

    @Test
    void anEventsEnvelopeAndCountsAreCheckedLikeARequests() {
        String json = Json.write(adapterTrained("s3://lora/runs/r1/adapter/"));
        String version = json.replaceFirst("\"schemaVersion\"\\s*:\\s*1", "\"schemaVersion\":2");
        assertThatThrownBy(() -> parser.parse(version, AdapterTrained.class))
                .hasMessageContaining("schemaVersion must be 1");
        String when = json.replaceFirst("\"occurredAt\"\\s*:\\s*\"[^\"]*\"", "\"occurredAt\":\"yesterday\"");
        assertThatThrownBy(() -> parser.parse(when, AdapterTrained.class)).hasMessageContaining("occurredAt must be");
        DatasetManifest manifest =
                new DatasetManifest(10, 8, Map.of("empty", 1L), 1, 0, 7, 1, 700, 90, 120, "alpaca", "abc", null, null);
        String prepared = Json.write(DatasetPrepared.of(request, "s3://lora/datasets/r1/", manifest));
        String half = prepared.replace("\"trainTokens\":700", "\"trainTokens\":700.5");
        assertThat(half).isNotEqualTo(prepared);
        assertThatThrownBy(() -> parser.parse(half, DatasetPrepared.class))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not a valid DatasetPrepared");
    }

    /** Found by the fuzz suite: Jackson read {@code "adapterUri": 7} as the string "7", past the folder check. */
    @Test
    void aUriOfAnotherJsonTypeIsRefusedNotReadAsText() {
        for (String wrong : List.of("7", "true", "1.5")) {
            String json = Json.write(adapterTrained("s3://lora/runs/x/adapter/"))
                    .replace("\"s3://lora/runs/x/adapter/\"", wrong);
            assertThatThrownBy(() -> parser.parse(json, AdapterTrained.class))
                    .as(wrong)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("adapterUri must be a string");
        }
    }

    @Test
    void notJsonIsReportedAsSuch() {
        assertThatThrownBy(() -> parser.parse("not json", DatasetPrepared.class))
                .isInstanceOf(NotJsonException.class);
    }

    @Test
    void failureEventsCarryStageCodeAndProblems() {
        PipelineFailed failed = PipelineFailed.of(
                "r1", request, Stage.DATASET, ErrorCodes.INVALID_REQUEST, "bad", false, java.util.List.of("a"));
        String json = Json.write(failed);
        assertThat(json).contains("\"stage\":\"dataset\"").contains("\"code\":\"INVALID_REQUEST\"");
        assertThat(parser.parse(json, PipelineFailed.class)).isEqualTo(failed);
    }
}

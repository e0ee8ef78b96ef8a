package org.lorapipe.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.service.testing.SampleEvents;
import org.lorapipe.service.testing.StageServiceContractTest;
import org.lorapipe.service.testing.StoriesFixture;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.LoraInfraTestResource;
import org.lorapipe.testkit.NeedsInfra;

/** The eval-service through the real Kafka broker and S3 server, scoring stories260K with and without an adapter. */
@QuarkusTest
@QuarkusTestResource(LoraInfraTestResource.class)
@NeedsInfra
class EvalServiceContractTest extends StageServiceContractTest {
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Inject
    ObjectStore store;

    @Inject
    EvaluationService evaluation;

    @Override
    protected String inputTopic() {
        return Topics.ADAPTER_TRAINED;
    }

    @Override
    protected Stage stage() {
        return Stage.EVALUATION;
    }

    @Override
    protected String invalidInput(String requestId) {
        return SampleEvents.withInvalidRequest(requestId);
    }

    @Override
    protected List<String> expectedProblems() {
        return List.of(
                "baseModel is required",
                "dataset is required",
                "lora.r must be a positive integer, got 0",
                "adapterUri is required in AdapterTrained");
    }

    @Override
    protected String validInput(String requestId) {
        return Json.write(adapterTrained(requestId, "{\"name\": \"perplexity\"}"));
    }

    @Override
    protected String stateOfValidInput() {
        return "done";
    }

    private AdapterTrained adapterTrained(String id, String tasks) {
        StoriesFixture fixture = new StoriesFixture(store);
        TrainingRequest request = StoriesFixture.request(id, "\"evaluation\": {\"tasks\": [" + tasks + "]}");
        fixture.publishDataset(request, 8, 6);
        String adapter = fixture.publishAdapter(request, 7);
        return new AdapterTrained(
                PipelineEvent.SCHEMA_VERSION,
                id,
                Instant.now(),
                request,
                adapter,
                new TrainingMetrics(1.7, 1.9, 1000, 1000, 1L << 28, 1000, 46_240, 260_032));
    }

    @Test
    void adapterInReportAndEventOut() throws Exception {
        String id = id("evaluated");
        String arc = new StoriesFixture(store).uploadArc(12);
        String tasks = "{\"name\": \"perplexity\"}, {\"name\": \"arc\", \"uri\": \"" + arc + "\", \"limit\": 10},"
                + " {\"name\": \"generation\", \"maxTokens\": 24, \"prompts\": [{\"prompt\": \"Once upon a time\","
                + " \"expect\": [\"the\"]}, {\"prompt\": \"Tom had a\", \"regex\": \"[a-z]+\"}]}";
        kafka.send(Topics.ADAPTER_TRAINED, id, Json.write(adapterTrained(id, tasks)));

        EvaluationCompleted completed = Json.read(
                kafka.awaitRecord(Topics.EVALUATION_COMPLETED, id, WAIT).value(), EvaluationCompleted.class);
        assertThat(completed.reportUri()).isEqualTo("s3://lora/runs/" + id + "/eval/report.json");
        assertThat(completed.results()).containsKeys("perplexity", "arc", "generation");
        var perplexity = completed.results().get("perplexity");
        assertThat(perplexity.base().get("perplexity")).isGreaterThan(1.0);
        assertThat(perplexity.tuned().get("perplexity"))
                .as("the adapter changes the model")
                .isNotEqualTo(perplexity.base().get("perplexity"));
        assertThat(completed.results().get("arc").base()).containsKeys("acc", "acc_norm");
        assertThat(completed.results().get("arc").base().get("n")).isEqualTo(10.0);

        S3Uri folder = S3Uri.parse("s3://lora/runs/" + id + "/eval/");
        assertThat(store.isPublished(folder)).isTrue();
        assertThat(store.getString(folder.resolve("report.md")))
                .contains("perplexity")
                .contains("acc_norm");
        assertThat(store.getString(folder.resolve("loss.svg")))
                .startsWith("<svg")
                .contains("</svg>");
        assertThat(store.getString(folder.resolve("metrics.svg"))).contains("<svg");
        // report.json also speaks lm-evaluation-harness: the event's values under its keys
        JsonNode report = Json.mapper().readTree(store.getString(folder.resolve("report.json")));
        var arcResult = completed.results().get("arc");
        assertThat(report.path("results").path("arc").path("acc,none").asDouble())
                .isEqualTo(arcResult.tuned().get("acc"));
        assertThat(report.path("results").path("arc").path("acc_stderr,none").asDouble())
                .isEqualTo(arcResult.tuned().get("acc_stderr"));
        assertThat(report.path("results").path("arc").path("acc_norm,none").asDouble())
                .isEqualTo(arcResult.tuned().get("acc_norm"));
        assertThat(report.path("results_base").path("arc").path("acc,none").asDouble())
                .isEqualTo(arcResult.base().get("acc"));
        assertThat(report.path("n-shot").path("arc").asInt(-1)).isZero();
        assertThat(report.path("tasks")).as("the report's own keys stay").hasSize(3);

        // delivered again after it finished: the published report answers, nothing is scored again
        var before = store.stat(folder.resolve("report.json")).orElseThrow().lastModified();
        AdapterTrained again = adapterTrained(id, tasks);
        assertThat(evaluation
                        .evaluate(again, org.lorapipe.service.consumer.JobControl.NONE)
                        .results())
                .isEqualTo(completed.results());
        assertThat(store.stat(folder.resolve("report.json")).orElseThrow().lastModified())
                .isEqualTo(before);
    }

    @Test
    void missingBenchmarkFileIsAFailureThatSaysWhatToUpload() {
        String id = id("nobench");
        String tasks = "{\"name\": \"arc\", \"uri\": \"s3://lora/benchmarks/absent.jsonl\"}";
        kafka.send(Topics.ADAPTER_TRAINED, id, Json.write(adapterTrained(id, tasks)));
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INPUT_NOT_FOUND);
        assertThat(failed.error().message()).contains("s3://lora/benchmarks/absent.jsonl", "upload it");
    }

    @Test
    void aBenchmarkFileOverTheLimitIsRefusedBeforeDownload() {
        String id = id("hugebench");
        store.putString(S3Uri.parse("s3://lora/benchmarks/huge.jsonl"), "x".repeat(70_000));
        String tasks = "{\"name\": \"arc\", \"uri\": \"s3://lora/benchmarks/huge.jsonl\"}";
        kafka.send(Topics.ADAPTER_TRAINED, id, Json.write(adapterTrained(id, tasks)));
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_INPUT);
        assertThat(failed.retriable()).isFalse();
        assertThat(failed.error().message()).contains("70000 bytes", "lora.limits.eval-file-bytes");
    }

    @Test
    void benchmarkInTheWrongLayoutNamesTheLine() {
        String id = id("badbench");
        store.putString(S3Uri.parse("s3://lora/benchmarks/bad.jsonl"), "{\"question\": \"no choices\"}\n");
        String tasks = "{\"name\": \"arc\", \"uri\": \"s3://lora/benchmarks/bad.jsonl\"}";
        kafka.send(Topics.ADAPTER_TRAINED, id, Json.write(adapterTrained(id, tasks)));
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_INPUT);
        assertThat(failed.error().message()).startsWith("s3://lora/benchmarks/bad.jsonl:1: not an ARC item");
    }

    @Test
    void adapterThatDoesNotFitTheBaseNamesTheTensor() throws Exception {
        String id = id("misfit");
        AdapterTrained event = adapterTrained(id, "{\"name\": \"perplexity\"}");
        // published again with the wrong rank: a well-formed publication of an adapter that does not fit
        S3Uri folder = S3Uri.parse(event.adapterUri());
        java.nio.file.Path local = java.nio.file.Files.createTempDirectory("misfit");
        store.downloadFolder(folder, local, total -> {});
        java.nio.file.Path config = local.resolve("adapter_config.json");
        java.nio.file.Files.writeString(
                config, java.nio.file.Files.readString(config).replace("\"r\" : 4", "\"r\" : 8"));
        store.publish(folder, local);
        kafka.send(Topics.ADAPTER_TRAINED, id, Json.write(event));
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_INPUT);
        assertThat(failed.error().message()).contains("lora_A");
    }

    @Test
    void anAdapterFileChangedAfterItsPublicationIsNotEvaluated() {
        String id = id("edited");
        AdapterTrained event = adapterTrained(id, "{\"name\": \"perplexity\"}");
        S3Uri config = S3Uri.parse(event.adapterUri() + "adapter_config.json");
        store.putString(config, store.getString(config).replace("\"r\" : 4", "\"r\" : 8"));
        kafka.send(Topics.ADAPTER_TRAINED, id, Json.write(event));
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_INPUT);
        assertThat(failed.retriable()).isFalse();
        assertThat(failed.error().message()).contains("adapter_config.json");
    }
}

package org.lorapipe.merge;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.artifact.ChatTemplateFile;
import org.lorapipe.contract.artifact.Manifest;
import org.lorapipe.contract.checksum.ChecksumVerifier;
import org.lorapipe.contract.checksum.Sha256Sums;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.ModelFile;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.TaskResult;
import org.lorapipe.contract.json.Json;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.io.DType;
import org.lorapipe.model.io.SafetensorsWriter;
import org.lorapipe.service.testing.FrontMatter;
import org.lorapipe.service.testing.SampleEvents;
import org.lorapipe.service.testing.StageServiceContractTest;
import org.lorapipe.service.testing.StoriesFixture;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.LoraInfraTestResource;
import org.lorapipe.testkit.NeedsInfra;

/**
 * The merge-service through the real Kafka broker and S3 server: stories260K as the base, hand-built
 * PEFT adapters with non-zero B, the run's prepared dataset as held-out text.
 */
@QuarkusTest
@QuarkusTestResource(LoraInfraTestResource.class)
@NeedsInfra
class MergeServiceContractTest extends StageServiceContractTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String PERPLEXITY_GATE =
            "\"merge\": {\"gate\": {\"task\": \"perplexity\", \"metric\": \"perplexity\", \"tolerance\": 0.5}}";
    private static LlamaConfig stories;

    @Inject
    ObjectStore store;

    @Inject
    MergeService merges;

    @Override
    protected String inputTopic() {
        return Topics.EVALUATION_COMPLETED;
    }

    @Override
    protected Stage stage() {
        return Stage.MERGE;
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
                "results is required in EvaluationCompleted");
    }

    @Override
    protected String validInput(String requestId) {
        uploadModelOnce();
        publishAdapter(requestId, false);
        return Json.write(event(requestId, "", 9.0, 7.5));
    }

    @Override
    protected String stateOfValidInput() {
        return "done";
    }

    @Test
    void adapterInModelMergedOutVerifiedLoadableAndNotRedone() throws Exception {
        String id = id("merged");
        uploadModelOnce();
        // as the trainer publishes it: with lora-adapter.json, whose base name and lineage the card takes
        publishAdapter(
                id,
                false,
                "{\"baseModel\": \"s3://lora/models/stories260K\", \"baseModelNameOrPath\": \"karpathy/tinyllamas\","
                        + " \"datasetUri\": \"s3://lora/datasets/" + id + "/\", \"lineage\": [{\"input\": \"dataset\","
                        + " \"uri\": \"s3://lora/datasets/" + id + "/manifest.json\", \"path\": \"manifest.json\","
                        + " \"sha256\": \"" + "ab".repeat(32) + "\"}]}");
        String input = Json.write(event(id, "", 9.0, 7.5));
        // the run's dataset: its validation split is the held-out text of the verification
        new StoriesFixture(store)
                .publishDataset(Json.read(input, EvaluationCompleted.class).request(), 2, 3);
        kafka.send(Topics.EVALUATION_COMPLETED, id, input);

        ModelMerged event =
                Json.read(kafka.awaitRecord(Topics.MODEL_MERGED, id, WAIT).value(), ModelMerged.class);
        assertThat(event.merged()).isTrue();
        assertThat(event.reason()).isNull();
        assertThat(event.modelUri()).isEqualTo("s3://lora/runs/" + id + "/merged/");
        assertThat(event.dtype()).isEqualTo("float32");
        assertThat(event.verification().maxAbsLogitDiff()).isLessThan(1e-4);
        assertThat(event.verification().quantizedBaseMaxAbsLogitDiff()).isNull();
        assertThat(event.files())
                .extracting(ModelFile::path)
                .contains("config.json", "model.safetensors", "tokenizer.json", Sha256Sums.FILE_NAME);

        // every listed file is in S3 with that sha256 and size, and nothing partial is visible
        S3Uri folder = S3Uri.parse(event.modelUri());
        Manifest manifest = store.requirePublished(folder);
        Path local = Files.createTempDirectory("merged-" + id);
        for (ModelFile f : event.files()) {
            assertThat(manifest.file(f.path()))
                    .as(f.path())
                    .contains(new Manifest.Entry(f.path(), f.bytes(), f.sha256()));
            Path file = store.download(folder.resolve(f.path()), local.resolve(f.path()));
            assertThat(Sha256Sums.sha256(file)).as(f.path()).isEqualTo(f.sha256());
        }
        assertThat(ChecksumVerifier.verify(local)).hasSize(event.files().size() - 1);
        assertMergedCard(id, local, event);
        // the merged model gets the chat template the adapter was trained with
        assertThat(Json.mapper()
                        .readTree(local.resolve("tokenizer_config.json").toFile())
                        .get(ChatTemplateFile.CONFIG_KEY)
                        .asText())
                .isEqualTo(StoriesFixture.CHAT_TEMPLATE);
        try (LlamaModel merged = LlamaModel.load(local, Device.cpu())) {
            assertThat(merged.config().vocabSize()).isEqualTo(stories.vocabSize());
            assertThat(merged.config().numHiddenLayers()).isEqualTo(stories.numHiddenLayers());
        }

        // delivered again after it finished: one result, no second event, nothing rewritten
        S3Uri weights = folder.resolve("model.safetensors");
        Instant written = store.stat(weights).orElseThrow().lastModified();
        kafka.send(Topics.EVALUATION_COMPLETED, id, input);
        assertThat(kafka.drain(Topics.MODEL_MERGED, Duration.ofSeconds(3)).stream()
                        .filter(r -> id.equals(r.key())))
                .isEmpty();
        // and as after a restart: the published record is re-emitted as it was, without merging again
        ModelMerged again = merges.merge(
                Json.read(input, EvaluationCompleted.class), org.lorapipe.service.consumer.JobControl.NONE);
        assertThat(Json.write(again)).isEqualTo(Json.write(event));
        assertThat(store.stat(weights).orElseThrow().lastModified()).isEqualTo(written);
        assertThat(store.readManifest(folder)).contains(manifest);
    }

    /**
     * The merged folder's README.md is listed in SHA256SUMS and the event's files; its front matter
     * names the base as the adapter's lora-adapter.json does, carries the evaluation results of the
     * event it merged, and pins the adapter's files and the dataset by their sha256.
     */
    private void assertMergedCard(String id, Path local, ModelMerged event) throws Exception {
        Path card = local.resolve("README.md");
        assertThat(event.files()).extracting(ModelFile::path).contains("README.md");
        assertThat(Files.readString(local.resolve(Sha256Sums.FILE_NAME)))
                .contains(Sha256Sums.sha256(card) + "  README.md\n");
        Map<String, Object> yaml = FrontMatter.parse(Files.readString(card));
        assertThat(yaml)
                .containsEntry("base_model", "karpathy/tinyllamas")
                .containsEntry("library_name", "transformers")
                .containsEntry("pipeline_tag", "text-generation");
        Map<?, ?> run = (Map<?, ?>) yaml.get("lora_pipeline");
        assertThat(run.get("dataset_sha256")).isEqualTo("ab".repeat(32));
        assertThat(run.get("dtype")).isEqualTo("float32");
        Map<?, ?> perplexity = (Map<?, ?>) ((Map<?, ?>) run.get("evaluation")).get("perplexity");
        assertThat(((Map<?, ?>) perplexity.get("tuned")).get("perplexity")).isEqualTo(7.5);
        Map<String, String> lineage = new LinkedHashMap<>();
        for (Object o : (List<?>) yaml.get("lineage")) {
            Map<?, ?> e = (Map<?, ?>) o;
            lineage.put(e.get("input") + " " + e.get("path"), (String) e.get("sha256"));
        }
        Manifest adapter = store.requirePublished(S3Uri.parse("s3://lora/runs/" + id + "/adapter/"));
        for (String file : List.of("adapter_config.json", "adapter_model.safetensors", "lora-adapter.json")) {
            assertThat(lineage.get("adapter " + file))
                    .as(file)
                    .isEqualTo(adapter.file(file).orElseThrow().sha256());
        }
        assertThat(lineage).containsEntry("dataset manifest.json", "ab".repeat(32));
        assertThat(Files.readString(card)).contains("## Lineage", "## Evaluation", "| perplexity | perplexity |");
    }

    @Test
    void aCardWithoutTheAdaptersOriginNamesTheBaseByItsFolderAndHashesItsFiles() throws Exception {
        String id = id("oldadapter");
        String input = validInput(id); // an adapter as published before lora-adapter.json existed
        kafka.send(Topics.EVALUATION_COMPLETED, id, input);
        ModelMerged event =
                Json.read(kafka.awaitRecord(Topics.MODEL_MERGED, id, WAIT).value(), ModelMerged.class);
        assertThat(event.merged()).isTrue();
        String card = store.getString(S3Uri.parse(event.modelUri()).resolve("README.md"));
        Map<String, Object> yaml = FrontMatter.parse(card);
        assertThat(yaml).containsEntry("base_model", "stories260K");
        String weights = Sha256Sums.sha256(StoriesFixture.importedModel().resolve("model.safetensors"));
        List<String> baseFiles = new java.util.ArrayList<>();
        for (Object o : (List<?>) yaml.get("lineage")) {
            Map<?, ?> e = (Map<?, ?>) o;
            baseFiles.add(e.get("input") + " " + e.get("path") + " " + e.get("sha256"));
        }
        assertThat(baseFiles).contains("base model model.safetensors " + weights);
    }

    @Test
    void aGateThatBlocksYieldsMergedFalseWithTheReasonAndNoModel() {
        String id = id("blocked");
        uploadModelOnce();
        publishAdapter(id, false);
        kafka.send(Topics.EVALUATION_COMPLETED, id, Json.write(event(id, PERPLEXITY_GATE, 7.0, 9.0)));

        ModelMerged event =
                Json.read(kafka.awaitRecord(Topics.MODEL_MERGED, id, WAIT).value(), ModelMerged.class);
        assertThat(event.merged()).isFalse();
        assertThat(event.modelUri()).isNull();
        assertThat(event.reason()).contains("perplexity", "9.0 tuned", "7.0 base", "tolerance 0.5");
        assertThat(store.list(S3Uri.parse("s3://lora/runs/" + id + "/merged/"), true))
                .isEmpty();
        ModelMerged recorded =
                Json.read(store.getString(S3Uri.parse("s3://lora/runs/" + id + "/not-merged.json")), ModelMerged.class);
        assertThat(recorded.merged()).isFalse();
        assertThat(recorded.reason()).isEqualTo(event.reason());
    }

    @Test
    void mergeDisabledYieldsMergedFalse() {
        String id = id("disabled");
        kafka.send(Topics.EVALUATION_COMPLETED, id, Json.write(event(id, "\"merge\": {\"enabled\": false}", 9.0, 7.5)));
        ModelMerged event =
                Json.read(kafka.awaitRecord(Topics.MODEL_MERGED, id, WAIT).value(), ModelMerged.class);
        assertThat(event.merged()).isFalse();
        assertThat(event.reason()).isEqualTo("merge.enabled is false in the request");
    }

    @Test
    void aGateOnAMetricTheResultsLackIsInvalidInputSayingWhich() {
        String id = id("nometric");
        String gate = PERPLEXITY_GATE.replace("\"metric\": \"perplexity\"", "\"metric\": \"acc\"");
        kafka.send(Topics.EVALUATION_COMPLETED, id, Json.write(event(id, gate, 9.0, 7.5)));
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_INPUT);
        assertThat(failed.error().message()).contains("'acc'", "results['perplexity']", "[perplexity]");
        assertThat(failed.retriable()).isFalse();
    }

    @Test
    void anAdapterThatDoesNotFitTheBaseFailsNamingTheTensor() {
        String id = id("mismatch");
        uploadModelOnce();
        publishAdapter(id, true);
        kafka.send(Topics.EVALUATION_COMPLETED, id, Json.write(event(id, "", 9.0, 7.5)));
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.stage()).isEqualTo(Stage.MERGE);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_INPUT);
        assertThat(failed.error().message())
                .contains("model.layers.0.self_attn.q_proj", "s3://lora/runs/" + id + "/adapter/")
                .doesNotContain(System.getProperty("java.io.tmpdir"));
        assertThat(failed.retriable()).isFalse();
        assertThat(store.isPublished(S3Uri.parse("s3://lora/runs/" + id + "/merged/")))
                .isFalse();
    }

    @Test
    void aMissingAdapterIsInputNotFoundSayingWhatToProvide() {
        String id = id("noadapter");
        uploadModelOnce();
        kafka.send(Topics.EVALUATION_COMPLETED, id, Json.write(event(id, "", 9.0, 7.5)));
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INPUT_NOT_FOUND);
        assertThat(failed.error().message())
                .contains("s3://lora/runs/" + id + "/adapter/", "adapter_model.safetensors", "upload a PEFT adapter");
    }

    @Test
    void aMissingBaseModelIsInputNotFoundSayingHowToImportIt() {
        String id = id("nobase");
        EvaluationCompleted input = event(id, "", 9.0, 7.5);
        String json = Json.write(input).replace("models/stories260K", "models/nope");
        kafka.send(Topics.EVALUATION_COMPLETED, id, json);
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INPUT_NOT_FOUND);
        assertThat(failed.error().message()).contains("no base model at s3://lora/models/nope/", "lora import");
    }

    /** An EvaluationCompleted of the sample request with {@code requestFields} added, perplexity results. */
    private static EvaluationCompleted event(String id, String requestFields, double base, double tuned) {
        var results = Map.of("perplexity", new TaskResult(Map.of("perplexity", base), Map.of("perplexity", tuned)));
        return new EvaluationCompleted(
                PipelineEvent.SCHEMA_VERSION,
                id,
                Instant.now(),
                StoriesFixture.request(id, requestFields),
                "s3://lora/runs/" + id + "/adapter/",
                results,
                "s3://lora/runs/" + id + "/eval/report.json");
    }

    /** stories260K in Hugging Face layout at s3://lora/models/stories260K/ (imported once per JVM). */
    private synchronized void uploadModelOnce() {
        new StoriesFixture(store).uploadModel();
        if (stories == null) {
            stories = LlamaConfig.read(StoriesFixture.importedModel().resolve("config.json"));
        }
    }

    /**
     * A PEFT adapter on q_proj and v_proj of every layer (r = 4, alpha = 8, B non-zero), published at
     * runs/ID/adapter/ as the trainer does; {@code misfit} gives layer 0's q_proj the wrong input size.
     */
    private void publishAdapter(String id, boolean misfit) {
        publishAdapter(id, misfit, null);
    }

    /** As {@link #publishAdapter(String, boolean)}, with {@code origin} as its lora-adapter.json when not null. */
    private void publishAdapter(String id, boolean misfit, String origin) {
        int r = 4;
        int d = stories.hiddenSize();
        Random rnd = new Random(id.hashCode());
        try (NDManager m = DjlRuntime.newManager(Device.cpu())) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (int layer = 0; layer < stories.numHiddenLayers(); layer++) {
                String prefix = "base_model.model.model.layers." + layer + ".self_attn.";
                int qIn = misfit && layer == 0 ? d + 8 : d;
                tensors.put(prefix + "q_proj.lora_A.weight", random(m, rnd, r, qIn));
                tensors.put(prefix + "q_proj.lora_B.weight", random(m, rnd, stories.qDim(), r));
                tensors.put(prefix + "v_proj.lora_A.weight", random(m, rnd, r, d));
                tensors.put(prefix + "v_proj.lora_B.weight", random(m, rnd, stories.kvDim(), r));
            }
            Path dir = Files.createTempDirectory("adapter-" + id);
            Files.writeString(
                    dir.resolve("adapter_config.json"),
                    "{\"peft_type\": \"LORA\", \"r\": " + r + ", \"lora_alpha\": 8, \"lora_dropout\": 0.0,"
                            + " \"target_modules\": [\"q_proj\", \"v_proj\"], \"use_rslora\": false,"
                            + " \"task_type\": \"CAUSAL_LM\"}");
            SafetensorsWriter.writeAll(
                    dir.resolve("adapter_model.safetensors"), tensors, DType.F32, Map.of("format", "pt"));
            if (origin != null) { // as the trainer writes it, with the chat template it was trained with
                Files.writeString(dir.resolve("lora-adapter.json"), origin);
                Files.writeString(dir.resolve(ChatTemplateFile.FILE), StoriesFixture.CHAT_TEMPLATE);
            }
            store.publish(S3Uri.parse("s3://lora/runs/" + id + "/adapter/"), dir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static NDArray random(NDManager m, Random rnd, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * 0.1);
        }
        return m.create(v).reshape(rows, cols);
    }

    @Test
    void qloraRunCarriesTheNf4Gap() {
        String id = id("qlora");
        uploadModelOnce();
        publishAdapter(id, false);
        EvaluationCompleted input = event(id, "\"quantization\": {\"type\": \"nf4\"}", 9.0, 7.5);
        kafka.send(Topics.EVALUATION_COMPLETED, id, Json.write(input));

        ModelMerged event =
                Json.read(kafka.awaitRecord(Topics.MODEL_MERGED, id, WAIT).value(), ModelMerged.class);
        assertThat(event.merged()).isTrue();
        assertThat(event.verification().maxAbsLogitDiff()).isLessThan(1e-4);
        assertThat(event.verification().quantizedBaseMaxAbsLogitDiff()).isPositive();
    }
}

package org.lorapipe.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.artifact.ChatTemplateFile;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.checksum.Sha256Sums;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.RunMemory;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.service.testing.FrontMatter;
import org.lorapipe.service.testing.SampleEvents;
import org.lorapipe.service.testing.StageServiceContractTest;
import org.lorapipe.service.testing.StoriesFixture;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.LoraInfraTestResource;
import org.lorapipe.testkit.NeedsInfra;
import org.lorapipe.tuning.peft.PeftAdapter;

/** The trainer-service through the real Kafka broker and S3 server, training stories260K for real. */
@QuarkusTest
@QuarkusTestResource(LoraInfraTestResource.class)
@NeedsInfra
class TrainerServiceContractTest extends StageServiceContractTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String FAST =
            "\"training\": {\"epochs\": 2, \"maxSteps\": 12, \"warmupSteps\": 2, \"learningRate\": 0.003,"
                    + " \"checkpointEverySteps\": 5}, \"lora\": {\"targetModules\": \"all-linear\"}";

    @Inject
    ObjectStore store;

    @Inject
    TrainingService training;

    @Override
    protected String inputTopic() {
        return Topics.DATASET_PREPARED;
    }

    @Override
    protected Stage stage() {
        return Stage.TRAINING;
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
                "datasetUri is required in DatasetPrepared");
    }

    @Override
    protected String validInput(String requestId) {
        return Json.write(new StoriesFixture(store).publishDataset(StoriesFixture.request(requestId, FAST), 24, 4));
    }

    @Override
    protected String stateOfValidInput() {
        return "done";
    }

    @Test
    void datasetInProgressAndAdapterOut() throws Exception {
        String id = id("trained");
        kafka.send(Topics.DATASET_PREPARED, id, validInput(id));

        AdapterTrained trained =
                Json.read(kafka.awaitRecord(Topics.ADAPTER_TRAINED, id, WAIT).value(), AdapterTrained.class);
        assertThat(trained.adapterUri()).isEqualTo("s3://lora/runs/" + id + "/adapter/");
        assertThat(trained.metrics().trainableParameters()).isEqualTo(46_240);
        assertThat(trained.metrics().totalParameters()).isEqualTo(260_032);
        assertThat(trained.metrics().validationLoss()).isNotNull().isPositive();
        assertThat(trained.metrics().trainTokens()).isPositive();
        RunMemory memory = trained.metrics().memory();
        assertThat(memory).as("the run's memory, measured and predicted").isNotNull();
        assertThat(memory.peakRssBytes()).isEqualTo(trained.metrics().peakRssBytes());
        assertThat(memory.peakRssBytes()).isGreaterThan(memory.baselineRssBytes());
        assertThat(memory.baselineRssBytes()).isPositive();
        assertThat(memory.weightBytes()).isEqualTo(260_032L * 4); // stories260K in fp32
        assertThat(memory.adapterBytes()).isEqualTo(46_240L * 4);
        assertThat(memory.optimizerBytes()).isEqualTo(2 * 46_240L * 4); // AdamW
        assertThat(memory.estimate())
                .containsEntry("baseline", memory.baselineRssBytes())
                .containsEntry("total", memory.estimatedPeakBytes())
                .containsKeys("activations", "logits", "allocator");

        List<TrainingProgress> progress = kafka.poll(Topics.TRAINING_PROGRESS, r -> id.equals(r.key()), WAIT).stream()
                .map(r -> Json.read(r.value(), TrainingProgress.class))
                .toList();
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(0).totalSteps()).isEqualTo(12);
        assertThat(progress.get(0).memory().weightBytes()).isPositive();
        assertThat(progress.get(0).memory().rssBytes()).isPositive();

        Path local = Files.createTempDirectory("adapter");
        store.downloadPrefix(S3Uri.parse(trained.adapterUri()), local);
        PeftAdapter adapter = PeftAdapter.load(local);
        assertThat(adapter.modules()).hasSize(5 * 7);
        try (LlamaModel base = LlamaModel.load(StoriesFixture.importedModel())) {
            assertThat(adapter.problems(base)).isEmpty();
        }
        assertThat(store.isPublished(S3Uri.parse("s3://lora/runs/" + id + "/checkpoints/step-10/")))
                .isTrue();
        assertFilesOthersCanLoad(id, local);
        assertThat(Json.read(Files.readString(local.resolve(TrainingRecord.FILE)), TrainingRecord.class)
                        .metrics()
                        .memory())
                .as("training.json holds the same figures")
                .isEqualTo(memory);
        assertThat(Files.readString(local.resolve(ChatTemplateFile.FILE)))
                .as("the chat template the dataset was rendered with")
                .isEqualTo(StoriesFixture.CHAT_TEMPLATE);

        // delivered again after it finished (say after a restart): the published adapter answers
        TrainingRequest request = StoriesFixture.request(id, FAST);
        var before = store.stat(S3Uri.parse(trained.adapterUri() + "adapter_model.safetensors"))
                .orElseThrow();
        var again = training.train(
                org.lorapipe.contract.event.DatasetPrepared.of(request, "s3://lora/datasets/" + id + "/", null),
                p -> {},
                org.lorapipe.service.consumer.JobControl.NONE);
        assertThat(again.metrics()).isEqualTo(trained.metrics());
        assertThat(store.stat(S3Uri.parse(trained.adapterUri() + "adapter_model.safetensors"))
                        .orElseThrow()
                        .lastModified())
                .isEqualTo(before.lastModified());
    }

    /**
     * The adapter names its base as Hugging Face tools look it up (the fixture's model has no
     * lora-model.json: its folder name), keeps the s3:// location in lora-adapter.json, and carries a
     * model card whose front matter names the base and pins every input by its sha256.
     */
    @SuppressWarnings("unchecked")
    private void assertFilesOthersCanLoad(String id, Path local) throws Exception {
        JsonNode config =
                Json.mapper().readTree(local.resolve("adapter_config.json").toFile());
        assertThat(config.get("base_model_name_or_path").asText()).isEqualTo("stories260K");
        JsonNode origin =
                Json.mapper().readTree(local.resolve("lora-adapter.json").toFile());
        assertThat(origin.get("baseModel").asText()).isEqualTo(StoriesFixture.MODEL_URI);
        assertThat(origin.get("baseModelNameOrPath").asText()).isEqualTo("stories260K");

        S3Uri folder = S3Uri.parse("s3://lora/runs/" + id + "/adapter/");
        assertThat(store.requirePublished(folder).file("README.md"))
                .as("the card is published")
                .isPresent();
        Map<String, Object> yaml = FrontMatter.parse(Files.readString(local.resolve("README.md")));
        assertThat(yaml)
                .containsEntry("base_model", "stories260K")
                .containsEntry("library_name", "peft")
                .containsEntry("pipeline_tag", "text-generation")
                .doesNotContainKey("license");
        assertThat((List<Object>) yaml.get("tags")).contains("lora", "peft");

        Map<String, String> lineage = new HashMap<>();
        for (Object o : (List<?>) yaml.get("lineage")) {
            Map<?, ?> e = (Map<?, ?>) o;
            lineage.put(e.get("input") + " " + e.get("path"), (String) e.get("sha256"));
        }
        Path base = StoriesFixture.importedModel();
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            assertThat(lineage.get("base model " + file)).as(file).isEqualTo(Sha256Sums.sha256(base.resolve(file)));
        }
        S3Uri dataset = S3Uri.parse("s3://lora/datasets/" + id + "/");
        var datasetFiles = store.requirePublished(dataset);
        assertThat(lineage.get("dataset manifest.json"))
                .isEqualTo(datasetFiles.file("manifest.json").orElseThrow().sha256());
        assertThat(lineage.get("dataset train-00000.bin"))
                .isEqualTo(datasetFiles.file("train-00000.bin").orElseThrow().sha256());
        String tokenizer = Json.read(store.getString(dataset.resolve("manifest.json")), DatasetManifest.class)
                .tokenizerSha256();
        assertThat(lineage.get("tokenizer tokenizer.json")).isEqualTo(tokenizer);
        Map<?, ?> run = (Map<?, ?>) yaml.get("lora_pipeline");
        assertThat(run.get("request_id")).isEqualTo(id);
        assertThat(run.get("dataset_sha256")).isEqualTo(lineage.get("dataset manifest.json"));
        assertThat(run.get("tokenizer_sha256")).isEqualTo(tokenizer);
        assertThat(((Map<?, ?>) run.get("request")).get("requestId")).isEqualTo(id);
        assertThat(((Map<?, ?>) run.get("training")).get("trainableParameters")).isEqualTo(46_240);
    }

    @Test
    void anAdapterNamesItsBaseByTheHuggingFaceIdTheImportRecorded() throws Exception {
        String id = id("hfid");
        S3Uri model = S3Uri.parse("s3://lora/models/stories-hf/");
        if (!store.exists(model.resolve("lora-model.json"))) {
            store.uploadDirectory(StoriesFixture.importedModel(), model);
            store.putString(
                    model.resolve("lora-model.json"),
                    "{\"name\": \"stories-hf\", \"hfId\": \"karpathy/tinyllamas\", \"files\": [],"
                            + " \"license\": \"mit\"}");
        }
        String input = Json.write(new StoriesFixture(store)
                        .publishDataset(
                                StoriesFixture.request(id, "\"training\": {\"maxSteps\": 2, \"warmupSteps\": 0}"),
                                4,
                                1))
                .replace("models/stories260K", "models/stories-hf");
        kafka.send(Topics.DATASET_PREPARED, id, input);
        AdapterTrained trained =
                Json.read(kafka.awaitRecord(Topics.ADAPTER_TRAINED, id, WAIT).value(), AdapterTrained.class);
        S3Uri adapter = S3Uri.parse(trained.adapterUri());
        JsonNode config = Json.mapper().readTree(store.getString(adapter.resolve("adapter_config.json")));
        assertThat(config.get("base_model_name_or_path").asText()).isEqualTo("karpathy/tinyllamas");
        assertThat(store.getString(adapter.resolve("lora-adapter.json")))
                .contains("\"baseModel\" : \"s3://lora/models/stories-hf\"");
        assertThat(FrontMatter.parse(store.getString(adapter.resolve("README.md"))))
                .containsEntry("base_model", "karpathy/tinyllamas")
                .containsEntry("license", "mit");
    }

    @Test
    void qloraHoldsTheBaseInFourBitsAndStillTrains() {
        String lora = id("lora");
        String qlora = id("qlora");
        kafka.send(Topics.DATASET_PREPARED, lora, validInput(lora));
        String quantized = Json.write(new StoriesFixture(store)
                .publishDataset(
                        StoriesFixture.request(
                                qlora, FAST + ", \"quantization\": {\"type\": \"nf4\", \"doubleQuant\": true}"),
                        24,
                        4));
        kafka.send(Topics.DATASET_PREPARED, qlora, quantized);
        AdapterTrained trained =
                Json.read(kafka.awaitRecord(Topics.ADAPTER_TRAINED, qlora, WAIT).value(), AdapterTrained.class);
        assertThat(trained.metrics().validationLoss()).isNotNull().isPositive();
        kafka.awaitRecord(Topics.ADAPTER_TRAINED, lora, WAIT);
        long loraWeights = weightBytes(lora);
        long qloraWeights = weightBytes(qlora);
        assertThat(qloraWeights).as("NF4 base (embeddings stay fp32)").isLessThan(loraWeights);
    }

    private long weightBytes(String id) {
        return kafka.poll(Topics.TRAINING_PROGRESS, r -> id.equals(r.key()), WAIT).stream()
                .map(r -> Json.read(r.value(), TrainingProgress.class))
                .mapToLong(p -> p.memory().weightBytes())
                .max()
                .orElseThrow();
    }

    @Test
    void rankLargerThanALayerIsRefusedWithTheModuleNamed() {
        String id = id("bigrank");
        String input = Json.write(new StoriesFixture(store)
                .publishDataset(
                        StoriesFixture.request(id, "\"lora\": {\"r\": 100, \"targetModules\": [\"q_proj\"]}"), 4, 1));
        kafka.send(Topics.DATASET_PREPARED, id, input);
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.stage()).isEqualTo(Stage.TRAINING);
        assertThat(failed.error().message()).contains("q_proj").contains("100");
    }

    /**
     * Sequences of 16,384 tokens: the attention probabilities alone come to hundreds of GiB, far over the
     * test's 8 GiB (lora.trainer.memory-budget). Refused at intake, naming the setting that fits.
     */
    @Test
    void aRunOverTheMemoryBudgetIsRefusedWithTheSettingsThatWouldFit() {
        String id = id("toobig");
        TrainingRequest request = new RequestParser("lora")
                .parse("{\"requestId\": \"" + id + "\", \"baseModel\": \"" + StoriesFixture.MODEL_URI + "\","
                        + " \"dataset\": {\"uri\": \"s3://lora/data/" + id + ".jsonl\", \"maxSeqLength\": 16384}, "
                        + FAST + "}");
        String input = Json.write(new StoriesFixture(store).publishDataset(request, 24, 4));
        S3Uri manifest = S3Uri.parse("s3://lora/datasets/" + id + "/manifest.json");
        store.putString(
                manifest,
                store.getString(manifest)
                        .replaceFirst("\"maxSequenceLength\"\\s*:\\s*\\d+", "\"maxSequenceLength\" : 16384"));
        kafka.send(Topics.DATASET_PREPARED, id, input);
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.stage()).isEqualTo(Stage.TRAINING);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(failed.retriable()).isFalse();
        assertThat(failed.error().message())
                .contains("more than the 8.00 GiB", "lora.trainer.memory-budget", "saved activations")
                .contains("dataset.maxSeqLength: ", "lora estimate");
        assertThat(failed.problems().get(0)).startsWith("the run needs about ");
        String fits = failed.problems().stream()
                .filter(p -> p.startsWith("fits with dataset.maxSeqLength: "))
                .findFirst()
                .orElseThrow();
        int length = Integer.parseInt(fits.replaceAll("fits with dataset.maxSeqLength: (\\d+) .*", "$1"));
        assertThat(length).isBetween(8, 8192);
        assertThat(store.exists(S3Uri.parse("s3://lora/runs/" + id + "/checkpoints/")))
                .as("nothing trained")
                .isFalse();
    }

    @Test
    void missingBaseModelIsAFailureThatSaysHowToImportIt() {
        String id = id("nomodel");
        String input = Json.write(new StoriesFixture(store).publishDataset(StoriesFixture.request(id, FAST), 4, 1))
                .replace("models/stories260K", "models/absent");
        kafka.send(Topics.DATASET_PREPARED, id, input);
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INPUT_NOT_FOUND);
        assertThat(failed.error().message()).contains("no model at s3://lora/models/absent/", "lora import");
    }

    @Test
    void moreOptimizerStepsThanTheLimitAreRefusedBeforeTheModelIsLoaded() {
        String id = id("endless");
        String input = Json.write(new StoriesFixture(store)
                .publishDataset(StoriesFixture.request(id, "\"training\": {\"epochs\": 1000}"), 8, 1));
        kafka.send(Topics.DATASET_PREPARED, id, input);
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(failed.retriable()).isFalse();
        assertThat(failed.error().message())
                .contains("2000 optimizer steps", "more than the 1000", "lora.limits.training-steps", "maxSteps");
    }

    @Test
    void aDatasetOverTheTokenLimitIsRefusedBeforeItsShardsAreRead() {
        String id = id("toolarge");
        String input = Json.write(new StoriesFixture(store).publishDataset(StoriesFixture.request(id, FAST), 4, 1));
        S3Uri manifest = S3Uri.parse("s3://lora/datasets/" + id + "/manifest.json");
        store.putString(
                manifest,
                store.getString(manifest).replaceFirst("\"trainTokens\"\\s*:\\s*\\d+", "\"trainTokens\" : 5000000"));
        kafka.send(Topics.DATASET_PREPARED, id, input);
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_INPUT);
        assertThat(failed.error().message()).contains("more than the 1000000", "lora.limits.dataset-tokens");
    }

    @Test
    void aShardChangedAfterItsPublicationIsNotTrainedOn() {
        String id = id("planted");
        String input = Json.write(new StoriesFixture(store).publishDataset(StoriesFixture.request(id, FAST), 4, 1));
        S3Uri shard = S3Uri.parse("s3://lora/datasets/" + id + "/train-00000.bin");
        byte[] bytes = store.getBytes(shard);
        bytes[bytes.length / 2] ^= 1; // a token id changed, the shard still well-formed
        store.putBytes(shard, bytes, "application/octet-stream");
        kafka.send(Topics.DATASET_PREPARED, id, input);
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_INPUT);
        assertThat(failed.retriable()).isFalse();
        assertThat(failed.error().message()).contains("train-00000.bin", "changed after it was published");
    }
}

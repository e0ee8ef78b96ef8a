package org.lorapipe.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.artifact.ChatTemplateFile;
import org.lorapipe.contract.dataset.ShardReader;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.RenderedExample;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.PromptTemplate;
import org.lorapipe.dataset.domain.template.PromptTemplates;
import org.lorapipe.model.testing.ModelFixtures;
import org.lorapipe.service.testing.SampleEvents;
import org.lorapipe.service.testing.StageServiceContractTest;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.LoraInfraTestResource;
import org.lorapipe.testkit.NeedsInfra;
import org.lorapipe.testkit.TestData;

/** The dataset-service through the real Kafka broker and S3 server, on stories260K and Alpaca data. */
@QuarkusTest
@QuarkusTestResource(LoraInfraTestResource.class)
@NeedsInfra
class DatasetServiceContractTest extends StageServiceContractTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static boolean modelUploaded;
    private static boolean chatModelUploaded;

    @Inject
    ObjectStore store;

    @Inject
    PreparationService preparation;

    @Override
    protected String inputTopic() {
        return Topics.TRAINING_REQUESTED;
    }

    @Override
    protected Stage stage() {
        return Stage.DATASET;
    }

    @Override
    protected String invalidInput(String requestId) {
        return "{\"requestId\": \"" + requestId + "\", \"lora\": {\"r\": 0}}";
    }

    @Override
    protected List<String> expectedProblems() {
        return List.of("baseModel is required", "dataset is required", "lora.r must be a positive integer, got 0");
    }

    @Override
    protected String validInput(String requestId) {
        uploadModelOnce();
        uploadAlpaca(requestId, 120);
        return SampleEvents.requestJson(requestId);
    }

    @Override
    protected String stateOfValidInput() {
        return "done";
    }

    @Test
    void requestInDatasetPreparedOutShardsReadable() throws Exception {
        String id = id("prepared");
        kafka.send(Topics.TRAINING_REQUESTED, id, validInput(id));

        DatasetPrepared event =
                Json.read(kafka.awaitRecord(Topics.DATASET_PREPARED, id, WAIT).value(), DatasetPrepared.class);
        assertThat(event.request().requestId()).isEqualTo(id);
        assertThat(event.datasetUri()).isEqualTo("s3://lora/datasets/" + id + "/");
        assertThat(event.manifest().recordsIn()).isEqualTo(120);
        assertThat(event.manifest().trainExamples()).isPositive();
        assertThat(event.manifest().trainExamples() + event.manifest().validationExamples())
                .isEqualTo(event.manifest().recordsOut());

        S3Uri folder = S3Uri.parse(event.datasetUri());
        assertThat(store.isPublished(folder)).isTrue();
        assertThat(store.getString(folder.resolve("manifest.json"))).contains("\"tokenizerSha256\"");
        assertThat(store.getString(folder.resolve(ChatTemplateFile.FILE)))
                .as("the built-in alpaca template as a chat template")
                .isEqualTo(PromptTemplates.chatTemplate(PromptTemplate.ALPACA));
        List<TokenizedSequence> train = new ArrayList<>();
        try (InputStream in = store.get(folder.resolve("train-00000.bin"));
                ShardReader reader = new ShardReader(in, "train-00000.bin")) {
            reader.forEachRemaining(train::add);
        }
        assertThat(train).hasSize((int) event.manifest().trainExamples());
        assertThat(train.stream().mapToLong(TokenizedSequence::length).sum())
                .isEqualTo(event.manifest().trainTokens());

        // delivered again (say after a restart): the published dataset is reused, nothing is rewritten
        var before = store.stat(folder.resolve("train-00000.bin")).orElseThrow().lastModified();
        assertThat(preparation.prepare(event.request(), org.lorapipe.service.consumer.JobControl.NONE))
                .isEqualTo(event.manifest());
        assertThat(store.stat(folder.resolve("train-00000.bin")).orElseThrow().lastModified())
                .isEqualTo(before);
    }

    @Test
    void anIdNamesOneRunTheSameRequestAgainIsAnsweredAnotherIsAConflict() {
        String id = id("owned");
        String first = validInput(id);
        kafka.send(Topics.TRAINING_REQUESTED, id, first);
        kafka.awaitRecord(Topics.DATASET_PREPARED, id, WAIT);

        // someone else's request under the same id: refused, nothing reused
        String other = first.replace("\"requestId\"", "\"lora\": {\"r\": 64}, \"requestId\"");
        assertThat(other).isNotEqualTo(first);
        kafka.send(Topics.TRAINING_REQUESTED, id, other);
        PipelineFailed conflict =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(conflict.error().code()).isEqualTo(ErrorCodes.CONFLICT);
        assertThat(conflict.retriable()).isFalse();
        assertThat(conflict.error().message()).contains("already names a run", "lora.r", "new requestId");
        assertThat(store.getString(S3Uri.parse("s3://lora/runs/" + id + "/request.json")))
                .contains("\"r\":8");
    }

    @Test
    void missingDatasetObjectIsAFailureThatSaysWhatToUpload() {
        uploadModelOnce();
        String id = id("nodata");
        kafka.send(Topics.TRAINING_REQUESTED, id, SampleEvents.requestJson(id));
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INPUT_NOT_FOUND);
        assertThat(failed.error().message()).contains("no dataset at s3://lora/data/" + id + ".jsonl", "upload it");
        assertThat(failed.request().requestId()).isEqualTo(id);
    }

    @Test
    void missingBaseModelIsAFailureThatSaysHowToImportIt() {
        String id = id("nomodel");
        uploadAlpaca(id, 10);
        kafka.send(Topics.TRAINING_REQUESTED, id, SampleEvents.requestJson(id).replace("stories260K", "nope"));
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INPUT_NOT_FOUND);
        assertThat(failed.error().message()).contains("no model at s3://lora/models/nope/", "lora import");
    }

    @Test
    void promptTemplateModelRendersWithTheBaseModelsChatTemplateAndShowsTheMask() throws Exception {
        String id = id("chat");
        uploadChatModelOnce();
        uploadAlpaca(id, 30);
        kafka.send(Topics.TRAINING_REQUESTED, id, modelTemplateRequest(id, "stories260K-chat"));
        DatasetPrepared event =
                Json.read(kafka.awaitRecord(Topics.DATASET_PREPARED, id, WAIT).value(), DatasetPrepared.class);
        DatasetManifest manifest = event.manifest();
        assertThat(manifest.template()).isEqualTo("model");
        assertThat(manifest.endOfTurnToken()).isEqualTo("</s>");
        RenderedExample shown = manifest.example();
        assertThat(shown.spans()).hasSize(2);
        assertThat(shown.spans().get(0).trained()).isFalse();
        assertThat(shown.spans().get(0).text()).startsWith("<s> [INST] ").endsWith(" [/INST]");
        assertThat(shown.spans().get(1).trained()).isTrue();
        assertThat(shown.spans().get(1).text()).endsWith("</s>");
        assertThat(store.getString(S3Uri.parse(event.datasetUri()).resolve("manifest.json")))
                .contains("\"endOfTurnToken\"", "\"spans\"");
        try (InputStream in = getClass().getResourceAsStream("/chat-templates/mistral-v0.2/tokenizer_config.json")) {
            assertThat(store.getString(S3Uri.parse(event.datasetUri()).resolve(ChatTemplateFile.FILE)))
                    .as("the model's own template, for the adapter and the merged model")
                    .isEqualTo(Json.mapper().readTree(in).get("chat_template").asText());
        }
    }

    @Test
    void chatMlSpecialTokensOfARealTokenizerAreSingleTokensAndImEndIsTrained() throws Exception {
        String id = id("chatml");
        Path dir = Files.createTempDirectory("gpt2-chatml");
        Path gpt2 = sharedData().resolve("models/hf-fake-gpt2");
        Files.copy(gpt2.resolve("config.json"), dir.resolve("config.json"));
        ObjectNode tokenizer = (ObjectNode)
                Json.mapper().readTree(gpt2.resolve("tokenizer.json").toFile());
        int next = 50257;
        for (String special : List.of("<|im_start|>", "<|im_end|>")) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) tokenizer.get("added_tokens"))
                    .addObject()
                    .put("id", next++)
                    .put("content", special)
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", true);
        }
        Files.writeString(dir.resolve("tokenizer.json"), Json.write(tokenizer));
        try (InputStream in = getClass().getResourceAsStream("/chat-templates/qwen2.5/tokenizer_config.json")) {
            Files.copy(in, dir.resolve("tokenizer_config.json"));
        }
        store.uploadDirectory(dir, S3Uri.parse("s3://lora/models/gpt2-chatml/"));
        uploadAlpaca(id, 20);
        kafka.send(Topics.TRAINING_REQUESTED, id, modelTemplateRequest(id, "gpt2-chatml"));
        DatasetPrepared event =
                Json.read(kafka.awaitRecord(Topics.DATASET_PREPARED, id, WAIT).value(), DatasetPrepared.class);
        assertThat(event.manifest().endOfTurnToken()).isEqualTo("<|im_end|>");
        RenderedExample shown = event.manifest().example();
        assertThat(shown.spans().get(0).text())
                .startsWith("<|im_start|>system\nYou are Qwen")
                .endsWith("<|im_end|>\n<|im_start|>assistant\n");
        assertThat(shown.spans().get(1).trained()).isTrue();
        assertThat(shown.spans().get(1).text()).endsWith("<|im_end|>\n");
        List<TokenizedSequence> train = new ArrayList<>();
        try (InputStream in = store.get(S3Uri.parse(event.datasetUri()).resolve("train-00000.bin"));
                ShardReader reader = new ShardReader(in, "train-00000.bin")) {
            reader.forEachRemaining(train::add);
        }
        assertThat(train).allSatisfy(s -> {
            assertThat(s.ids()[0]).as("no BOS added: the template writes none").isEqualTo(50257);
            long imEndTrained = java.util.stream.IntStream.range(0, s.length())
                    .filter(i -> s.ids()[i] == 50258 && s.trainable()[i])
                    .count();
            assertThat(imEndTrained).isEqualTo(1);
        });
    }

    @Test
    void promptTemplateModelOnABaseWithoutAChatTemplateSaysWhichTemplatesToUse() {
        uploadModelOnce();
        String id = id("nochat");
        uploadAlpaca(id, 10);
        kafka.send(Topics.TRAINING_REQUESTED, id, modelTemplateRequest(id, "stories260K"));
        PipelineFailed failed =
                Json.read(kafka.awaitRecord(Topics.PIPELINE_FAILED, id, WAIT).value(), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(failed.error().message()).contains("has no chat_template", "alpaca, chatml, llama2-chat or plain");
    }

    private static String modelTemplateRequest(String id, String model) {
        return "{\"requestId\": \"" + id + "\", \"baseModel\": \"s3://lora/models/" + model + "\","
                + " \"dataset\": {\"uri\": \"s3://lora/data/" + id + ".jsonl\", \"promptTemplate\": \"model\"}}";
    }

    /** stories260K with Mistral's [INST] chat template in its tokenizer_config.json (its <s> and </s> exist). */
    private synchronized void uploadChatModelOnce() {
        if (chatModelUploaded) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("stories-chat");
            try (var files = Files.list(ModelFixtures.importedStories())) {
                for (Path f : files.toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
            ObjectNode config = (ObjectNode)
                    Json.mapper().readTree(dir.resolve("tokenizer_config.json").toFile());
            try (InputStream in =
                    getClass().getResourceAsStream("/chat-templates/mistral-v0.2/tokenizer_config.json")) {
                config.set("chat_template", Json.mapper().readTree(in).get("chat_template"));
            }
            Files.writeString(dir.resolve("tokenizer_config.json"), Json.write(config));
            store.uploadDirectory(dir, S3Uri.parse("s3://lora/models/stories260K-chat/"));
            chatModelUploaded = true;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized void uploadModelOnce() {
        if (modelUploaded) {
            return;
        }
        try {
            store.uploadDirectory(ModelFixtures.importedStories(), S3Uri.parse("s3://lora/models/stories260K/"));
            modelUploaded = true;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void uploadAlpaca(String id, int records) {
        try {
            var all = Json.mapper()
                    .readTree(
                            sharedData().resolve("instruct/alpaca_en_demo.json").toFile());
            StringBuilder jsonl = new StringBuilder();
            for (int i = 0; i < records; i++) {
                jsonl.append(Json.write(all.get(i))).append('\n');
            }
            store.putBytes(
                    S3Uri.parse("s3://lora/data/" + id + ".jsonl"),
                    jsonl.toString().getBytes(StandardCharsets.UTF_8),
                    "application/x-ndjson");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path sharedData() {
        return TestData.root();
    }
}

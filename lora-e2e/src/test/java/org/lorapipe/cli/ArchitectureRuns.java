package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.lorapipe.cli.stack.EmbeddedStack;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.artifact.ChatTemplateFile;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.json.Json;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.io.HfModelExporter;
import org.lorapipe.model.testing.ArchitectureZoo;
import org.lorapipe.model.testing.ModelFixtures;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.KafkaTestClient;
import org.lorapipe.tuning.peft.PeftAdapter;

/**
 * Every supported architecture through the running services, as a user brings one: a Hugging Face
 * folder (a tiny random model with the architecture's real config fields, stories260K's tokenizer)
 * imported with {@code lora import --hf}, then one LoRA and one QLoRA request each, on all-linear
 * targets (Phi-3's fused names included). Every run must be merged with verification passed; each
 * merged folder is pulled, loaded as its architecture and compared with the base plus the adapter. The
 * Mistral model brings Mistral's own chat template, and its runs use it ({@code promptTemplate:
 * "model"}): the adapter and the merged model must carry that template.
 * Runs on the stack the end-to-end test already started (a second stack would cost CI a minute).
 */
final class ArchitectureRuns {

    /** The first records of the example's training set: enough for two steps and a validation split. */
    private static final String DATASET = "s3://lora/data/zoo/train.jsonl";

    private static final int RECORDS = 48;
    /** Mistral 7B Instruct v0.1's chat template, as its tokenizer_config.json has it. */
    static final String MISTRAL_TEMPLATE = "{{ bos_token }}{% for message in messages %}{% if (message['role'] =="
            + " 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate"
            + " user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' +"
            + " message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] +"
            + " eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif"
            + " %}{% endfor %}";

    private static final String WITH_TEMPLATE = "zoo-mistral";

    private final EmbeddedStack stack;
    private final Path work;
    private final PrintStream log;
    private final Map<String, LlamaConfig> imported = new LinkedHashMap<>();
    private final List<String> ids = new ArrayList<>();

    private final Path root;

    /** {@code root}: the checkout, whose examples/stories-instruct/train.jsonl the runs train on. */
    ArchitectureRuns(EmbeddedStack stack, Path root, Path work, PrintStream log) {
        this.stack = stack;
        this.root = root;
        this.work = work;
        this.log = log;
    }

    /**
     * Imports every zoo model and publishes its two requests; the stages work on them while the caller
     * goes on (the end-to-end test runs the demo meanwhile, so these runs fill the cores its training
     * leaves idle).
     */
    void submit() throws Exception {
        Path data = Files.createDirectories(work).resolve("train.jsonl");
        try (var lines = Files.lines(root.resolve("examples/stories-instruct/train.jsonl"))) {
            Files.write(data, lines.limit(RECORDS).toList());
        }
        try (ObjectStore store = new ObjectStore(stack.storage())) {
            store.put(S3Uri.parse(DATASET), data);
        }
        for (ArchitectureZoo.Entry e : ArchitectureZoo.all()) {
            imported.put("zoo-" + e.name().replace('.', '-'), importModel(e));
        }
        try (KafkaTestClient kafka = new KafkaTestClient(stack.bootstrapServers())) {
            for (String model : imported.keySet()) {
                for (boolean qlora : new boolean[] {false, true}) {
                    String id = model + (qlora ? "-qlora" : "-lora");
                    kafka.send(Topics.TRAINING_REQUESTED, id, request(id, model, qlora, model.equals(WITH_TEMPLATE)));
                    ids.add(id);
                }
            }
        }
    }

    /** Waits for every submitted run's merge and checks the merged folders. */
    void verify() throws Exception {
        try (KafkaTestClient kafka = new KafkaTestClient(stack.bootstrapServers())) {
            Map<String, ModelMerged> merged = new LinkedHashMap<>();
            Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
            while (merged.size() < ids.size() && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> r : kafka.drain(Topics.MODEL_MERGED, Duration.ofSeconds(2))) {
                    if (ids.contains(r.key())) {
                        merged.put(r.key(), Json.read(r.value(), ModelMerged.class));
                    }
                }
                for (ConsumerRecord<String, String> r : kafka.drain(Topics.PIPELINE_FAILED, Duration.ofMillis(200))) {
                    if (ids.contains(r.key())) {
                        PipelineFailed f = Json.read(r.value(), PipelineFailed.class);
                        throw new AssertionError(
                                r.key() + " failed at " + f.stage() + ": " + f.error() + " " + f.problems());
                    }
                }
            }
            assertThat(merged.keySet()).as("runs merged").containsExactlyInAnyOrderElementsOf(ids);
            for (ModelMerged m : merged.values()) {
                assertThat(m.merged()).as(m.requestId()).isTrue();
                assertThat(m.verification().maxAbsLogitDiff())
                        .as(m.requestId() + " merge verification")
                        .isLessThan(1e-4);
            }
        }
        try (ObjectStore store = new ObjectStore(stack.storage())) {
            for (String id : ids) {
                String model = id.substring(0, id.lastIndexOf('-'));
                Path base = pull(store, "s3://lora/models/" + model + "/", work.resolve("pulled/" + id + "/base"));
                Path adapter = pull(store, "s3://lora/runs/" + id + "/adapter/", work.resolve("pulled/" + id + "/a"));
                Path mergedDir = pull(store, "s3://lora/runs/" + id + "/merged/", work.resolve("pulled/" + id + "/m"));
                assertThat(LlamaConfig.read(mergedDir.resolve("config.json")).arch())
                        .as(id)
                        .isEqualTo(imported.get(model).arch());
                assertThat(maxLogitDiff(mergedDir, base, adapter))
                        .as(id + " merged vs base + adapter")
                        .isLessThan(1e-4);
                if (model.equals(WITH_TEMPLATE)) {
                    assertThat(Files.readString(adapter.resolve(ChatTemplateFile.FILE)))
                            .as(id + " adapter's chat template")
                            .isEqualTo(MISTRAL_TEMPLATE);
                    assertThat(Json.mapper()
                                    .readTree(mergedDir
                                            .resolve("tokenizer_config.json")
                                            .toFile())
                                    .path(ChatTemplateFile.CONFIG_KEY)
                                    .asText())
                            .as(id + " merged model's chat template")
                            .isEqualTo(MISTRAL_TEMPLATE);
                }
            }
        }
        log.println("architectures: " + ids.size() + " runs (LoRA and QLoRA on " + imported.size() + " models of "
                + imported.values().stream().map(LlamaConfig::arch).distinct().count()
                + " architectures) imported, trained, evaluated, merged and reloaded");
    }

    /** Exports the zoo model as a Hugging Face folder with a real tokenizer and imports it with the CLI. */
    private LlamaConfig importModel(ArchitectureZoo.Entry e) throws IOException {
        ObjectNode n = e.config().toJson();
        n.put("vocab_size", 512); // stories260K's tokenizer
        n.put("bos_token_id", 1);
        n.put("eos_token_id", 2);
        LlamaConfig c = LlamaConfig.fromJson(n, e.name());
        Path dir = work.resolve("hf").resolve(e.name());
        try (LlamaModel model = ArchitectureZoo.model(c, 31)) {
            HfModelExporter.write(c, model.asTensorSource(), dir, HfModelExporter.Options.defaults());
        }
        Path tokenizer = ModelFixtures.importedStories();
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(tokenizer.resolve(f), dir.resolve(f));
        }
        String name = "zoo-" + e.name().replace('.', '-');
        if (name.equals(WITH_TEMPLATE)) {
            ObjectNode config = (ObjectNode)
                    Json.mapper().readTree(dir.resolve("tokenizer_config.json").toFile());
            config.put("bos_token", "<s>").put("eos_token", "</s>").put(ChatTemplateFile.CONFIG_KEY, MISTRAL_TEMPLATE);
            Files.writeString(dir.resolve("tokenizer_config.json"), config.toPrettyString());
        }
        Cli.useS3Keys(EmbeddedStack.ACCESS_KEY, EmbeddedStack.SECRET_KEY);
        try {
            Cli.Run r = Cli.run(
                    "import",
                    "--hf",
                    dir.toString(),
                    "--name",
                    name,
                    "--s3-endpoint",
                    stack.storage().endpoint());
            assertThat(r.code())
                    .as("lora import --hf " + e.name() + ": " + r.out() + r.err())
                    .isZero();
        } finally {
            Cli.forgetS3Keys();
        }
        return c;
    }

    private static String request(String id, String model, boolean qlora, boolean modelTemplate) {
        return """
                {"requestId": "%s", "baseModel": "s3://lora/models/%s",
                 "dataset": {"uri": "%s", "promptTemplate": "%s", "maxSeqLength": 128, "truncate": true,
                             "validationFraction": 0.1},
                 "lora": {"r": 4, "alpha": 8, "dropout": 0.0, "targetModules": ["all-linear", "lm_head"]},
                 "quantization": {"type": "%s"},
                 "training": {"maxSteps": 2, "microBatchSize": 2, "warmupSteps": 0, "learningRate": 1e-2},
                 "evaluation": {"tasks": [{"name": "perplexity", "limit": 8}]},
                 "merge": {"enabled": true, "dtype": "float32"}}
                """
                .formatted(id, model, DATASET, modelTemplate ? "model" : "plain", qlora ? "nf4" : "none");
    }

    private static Path pull(ObjectStore store, String uri, Path into) throws IOException {
        Files.createDirectories(into);
        store.downloadPrefix(S3Uri.parse(uri), into);
        return into;
    }

    /** max |logits(merged) - logits(base + adapter)| on one fixed sequence of stories260K-range ids. */
    static double maxLogitDiff(Path merged, Path base, Path adapter) {
        try (LlamaModel m = LlamaModel.load(merged);
                LlamaModel b = LlamaModel.load(base);
                NDManager manager = NDManager.newBaseManager()) {
            PeftAdapter.load(adapter).applyTo(b);
            NDArray ids = manager.create(new int[][] {{1, 400, 300, 200, 100, 50, 25, 7}});
            return m.forward(ids, null, null)
                    .sub(b.forward(ids, null, null))
                    .abs()
                    .max()
                    .getFloat();
        }
    }
}

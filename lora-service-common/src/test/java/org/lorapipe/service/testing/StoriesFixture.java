package org.lorapipe.service.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.dataset.ShardFormat;
import org.lorapipe.contract.dataset.ShardWriter;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.model.testing.ModelFixtures;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.model.tokenizer.Tokenizers;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.Publication;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.TestData;

/**
 * Real inputs for the stages after the dataset one: stories260K imported to Hugging Face layout at
 * {@code s3://lora/models/stories260K/}, and small prepared datasets of story instructions
 * ("Write a story about a cat named Tom." -> a short story) tokenized with its tokenizer, published
 * like the dataset-service does.
 */
public final class StoriesFixture {
    public static final String MODEL_URI = "s3://lora/models/stories260K";
    private static final String[] NAMES = {"Tom", "Lily", "Max", "Sue", "Ben", "Mia", "Sam", "Anna"};
    private static final String[] ANIMALS = {"cat", "dog", "bird", "frog", "fish", "bear"};

    private final ObjectStore store;

    public StoriesFixture(ObjectStore store) {
        this.store = store;
    }

    /** The test data (see {@link TestData}). */
    public static Path sharedData() {
        return TestData.root();
    }

    /** stories260K in Hugging Face layout, imported once per JVM. */
    public static Path importedModel() {
        return ModelFixtures.importedStories();
    }

    /** Uploads the model unless it is there already; returns its URI. */
    public String uploadModel() {
        S3Uri folder = S3Uri.parse(MODEL_URI + "/");
        if (!store.exists(folder.resolve("config.json"))) {
            store.uploadDirectory(importedModel(), folder);
        }
        return MODEL_URI;
    }

    /** A request for stories260K with {@code extra} top-level JSON fields (e.g. a training block). */
    public static TrainingRequest request(String id, String extra) {
        String json = "{\"requestId\": \"" + id + "\", \"baseModel\": \"" + MODEL_URI + "\", \"dataset\": {\"uri\":"
                + " \"s3://lora/data/" + id + ".jsonl\"}" + (extra == null || extra.isBlank() ? "" : ", " + extra)
                + "}";
        return new RequestParser("lora").parse(json);
    }

    /** The chat template the fixture's datasets and adapters carry ({@code chat_template.jinja}). */
    public static final String CHAT_TEMPLATE =
            "{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% if m['role'] == 'assistant' %}"
                    + "{{ eos_token }}{% endif %}{% endfor %}";

    /**
     * Publishes a prepared dataset of {@code train} + {@code validation} story examples, with the
     * {@link #CHAT_TEMPLATE} it was rendered with; returns the event.
     */
    public DatasetPrepared publishDataset(TrainingRequest request, int train, int validation) {
        uploadModel();
        try (TextTokenizer tokenizer = Tokenizers.load(importedModel())) {
            Path dir = Files.createTempDirectory("dataset-" + request.requestId());
            long trainTokens = write(dir.resolve(ShardFormat.fileName("train", 0)), tokenizer, 0, train);
            long validationTokens =
                    write(dir.resolve(ShardFormat.fileName("validation", 0)), tokenizer, train, validation);
            Files.writeString(dir.resolve("chat_template.jinja"), CHAT_TEMPLATE);
            DatasetManifest manifest = new DatasetManifest(
                    train + validation,
                    train + validation,
                    Map.of(),
                    0,
                    0,
                    train,
                    validation,
                    trainTokens,
                    validationTokens,
                    64,
                    "plain",
                    tokenizer.sha256(),
                    "</s>",
                    null);
            S3Uri folder = S3Uri.parse("s3://lora/datasets/" + request.requestId() + "/");
            Publication publication = store.beginPublication(folder);
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    publication.putFile(f.getFileName().toString(), f);
                }
            }
            publication.putBytes("manifest.json", Json.write(manifest).getBytes(), "application/json");
            publication.commit();
            return DatasetPrepared.of(request, folder.toString(), manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Publishes a PEFT adapter for stories260K at {@code runs/{id}/adapter/}: r=4 on every linear layer,
     * A as at initialisation and B small but NOT zero (so base + adapter differs from the base), plus a
     * training.json with a short loss curve. Returns its URI.
     */
    public String publishAdapter(TrainingRequest request, long seed) {
        uploadModel();
        try (org.lorapipe.model.LlamaModel model = org.lorapipe.model.LlamaModel.load(importedModel())) {
            var spec = new org.lorapipe.contract.request.LoraSpec(
                    4, 8, 0.0, List.of("all-linear"), Map.of(), Map.of(), false);
            var plan = org.lorapipe.tuning.lora.LoraPlan.resolve(spec, model.linears());
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            Map<String, float[][]> values = new java.util.LinkedHashMap<>();
            for (var t : plan.targets()) {
                float[] a = new float[t.rank() * t.inFeatures()];
                float[] b = new float[t.outFeatures() * t.rank()];
                double bound = 1 / Math.sqrt(t.inFeatures());
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) ((random.nextDouble() * 2 - 1) * 0.05);
                }
                values.put(t.module(), new float[][] {a, b});
            }
            Path dir = Files.createTempDirectory("adapter-" + request.requestId());
            try (var adapters = org.lorapipe.tuning.lora.LoraAdapters.withValues(model, plan, values)) {
                org.lorapipe.tuning.peft.PeftAdapter.save(dir, adapters, MODEL_URI);
            }
            Files.writeString(
                    dir.resolve("training.json"),
                    "{\"losses\": [{\"step\": 1, \"loss\": 2.5},"
                            + " {\"step\": 2, \"loss\": 2.1}, {\"step\": 3, \"loss\": 1.8}, {\"step\": 4, \"loss\": 1.7}]}");
            S3Uri folder = S3Uri.parse("s3://lora/runs/" + request.requestId() + "/adapter/");
            Publication publication = store.beginPublication(folder);
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    publication.putFile(f.getFileName().toString(), f);
                }
            }
            publication.commit();
            return folder.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Uploads the first {@code items} lines of ARC-Easy-Dev; returns the object's URI. */
    public String uploadArc(int items) {
        try {
            List<String> lines = Files.readAllLines(sharedData().resolve("eval/arc/ARC-Easy-Dev.jsonl"));
            String uri = "s3://lora/benchmarks/arc-easy-" + items + ".jsonl";
            store.putString(S3Uri.parse(uri), String.join("\n", lines.subList(0, items)) + "\n");
            return uri;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The prompt and response of example {@code i}. */
    public static String[] example(int i) {
        String name = NAMES[i % NAMES.length];
        String animal = ANIMALS[(i / NAMES.length) % ANIMALS.length];
        return new String[] {
            "Write a story about a " + animal + " named " + name + ".\n",
            "Once upon a time, there was a " + animal + " named " + name + ". " + name + " liked to play in the"
                    + " park. One day, " + name + " found a big red ball."
        };
    }

    private static long write(Path file, TextTokenizer tokenizer, int from, int count) throws IOException {
        long tokens = 0;
        try (ShardWriter writer = new ShardWriter(Files.newOutputStream(file))) {
            for (int i = from; i < from + count; i++) {
                String[] ex = example(i);
                int promptLength = tokenizer.encode(ex[0], true).length;
                int[] text = tokenizer.encode(ex[0] + ex[1], true);
                List<Integer> ids = new ArrayList<>();
                for (int id : text) {
                    ids.add(id);
                }
                ids.add(tokenizer.eosId());
                boolean[] trainable = new boolean[ids.size()];
                for (int j = promptLength; j < trainable.length; j++) {
                    trainable[j] = true;
                }
                writer.write(new TokenizedSequence(
                        ids.stream().mapToInt(Integer::intValue).toArray(), trainable, new int[] {0}));
                tokens += ids.size();
            }
        }
        return tokens;
    }
}

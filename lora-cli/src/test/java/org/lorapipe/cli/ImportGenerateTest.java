package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.model.LlamaConfig;

/** {@code lora import --out} and {@code lora generate} on a local directory: run.c's output, exactly. */
class ImportGenerateTest {

    @TempDir
    Path tmp;

    private Cli.Run importStories(Path out, String... extra) {
        String[] base = {
            "import",
            "--llama2c",
            Cli.stories().resolve("stories260K.bin").toString(),
            "--tokenizer",
            Cli.stories().resolve("tok512.bin").toString(),
            "--out",
            out.toString()
        };
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    @Test
    void importedStoriesGeneratesRuncGreedyOutputByteForByte() throws Exception {
        Path model = tmp.resolve("stories260K");
        Cli.Run imported = importStories(model);
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out())
                .contains("model.safetensors")
                .contains("tokenizer.json")
                .contains("imported")
                .contains("260,032 parameters");
        assertThat(model.resolve("config.json")).isRegularFile();

        Cli.Run gen = Cli.run(
                "generate", "--model", model.toString(), "--prompt", "", "--max-tokens", "256", "--temperature", "0");
        assertThat(gen.code()).as(gen.err()).isZero();
        byte[] expected = Files.readAllBytes(Cli.stories().resolve("greedy_t0_n256_runc.txt"));
        assertThat(gen.out().getBytes(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(gen.err()).contains("achieved tok/s");
    }

    @Test
    void theModelsIdentityIsRecordedWithItsHuggingFaceIdAndEveryFilesHash() throws Exception {
        Path model = tmp.resolve("stories260K");
        Cli.Run imported = importStories(model, "--hf-id", "karpathy/tinyllamas", "--license", "mit");
        assertThat(imported.code()).as(imported.err()).isZero();

        JsonNode identity =
                new ObjectMapper().readTree(model.resolve("lora-model.json").toFile());
        assertThat(identity.get("name").asText()).isEqualTo("stories260K");
        assertThat(identity.get("hfId").asText()).isEqualTo("karpathy/tinyllamas");
        assertThat(identity.get("license").asText()).isEqualTo("mit");
        assertThat(identity.get("source").get("format").asText()).isEqualTo("llama2c");
        assertThat(identity.get("source").get("files").toString()).isEqualTo("[\"stories260K.bin\",\"tok512.bin\"]");
        assertThat(Instant.parse(identity.get("importedAt").asText())).isBeforeOrEqualTo(Instant.now());
        List<String> paths = new ArrayList<>();
        for (JsonNode f : identity.get("files")) {
            String path = f.get("path").asText();
            paths.add(path);
            byte[] bytes = Files.readAllBytes(model.resolve(path));
            assertThat(f.get("size").asLong()).isEqualTo(bytes.length);
            assertThat(f.get("sha256").asText())
                    .as(path)
                    .isEqualTo(HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        }
        assertThat(paths)
                .isSorted()
                .contains("config.json", "model.safetensors", "tokenizer.json", "generation_config.json")
                .doesNotContain("lora-model.json");
    }

    @Test
    void aLlama2cImportHasNoHuggingFaceIdUnlessGivenOne() throws Exception {
        Path model = tmp.resolve("plain");
        assertThat(importStories(model).code()).isZero();
        JsonNode identity =
                new ObjectMapper().readTree(model.resolve("lora-model.json").toFile());
        assertThat(identity.get("name").asText())
                .as("--out names it after the folder")
                .isEqualTo("plain");
        assertThat(identity.has("hfId")).as("absent, as optional fields are").isFalse();
    }

    @Test
    void aMalformedHuggingFaceIdIsRefusedWithTheRule() {
        for (String bad : List.of("org/name/extra", "org//name", "-org/name", "org/na..me", "org/name.git", "a b")) {
            Cli.Run r = importStories(tmp.resolve("x"), "--hf-id", bad);
            assertThat(r.code()).as(bad).isEqualTo(2);
            assertThat(r.err()).as(bad).contains("--hf-id '" + bad + "' is not a Hugging Face repository id");
        }
        assertThat(tmp.resolve("x")).doesNotExist();
        Cli.Run license = importStories(tmp.resolve("y"), "--license", "Apache 2.0");
        assertThat(license.code()).isEqualTo(2);
        assertThat(license.err()).contains("--license 'Apache 2.0' must be a license identifier", "apache-2.0");
        assertThat(tmp.resolve("y")).doesNotExist();
    }

    @Test
    void existingOutputIsRefusedUnlessForced() throws Exception {
        Path model = tmp.resolve("m");
        Files.createDirectories(model);
        Files.writeString(model.resolve("old.txt"), "x");
        Cli.Run refused = importStories(model);
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("already exists and is not empty: pass --force");

        Cli.Run forced = importStories(model, "--force");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(model.resolve("old.txt")).doesNotExist();
        assertThat(model.resolve("model.safetensors")).isRegularFile();
    }

    @Test
    void gpt2IsRefusedWithTheArchitectureMessage() {
        Cli.Run r = Cli.run(
                "import",
                "--hf",
                Cli.data().resolve("models/hf-fake-gpt2").toString(),
                "--out",
                tmp.resolve("g").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("architecture GPT2LMHeadModel is not supported (supported: LlamaForCausalLM");
        assertThat(tmp.resolve("g")).doesNotExist();
        // also before any object store is contacted (none listens on port 1)
        Cli.Run toS3 = Cli.run(
                "import",
                "--hf",
                Cli.data().resolve("models/hf-fake-gpt2").toString(),
                "--name",
                "gpt2",
                "--s3-endpoint",
                "http://127.0.0.1:1");
        assertThat(toS3.code()).isEqualTo(2);
        assertThat(toS3.err()).contains("GPT2LMHeadModel is not supported");
    }

    @Test
    void badNameAndMissingFilesAreRefusedTogether() {
        Cli.Run r = Cli.run("import", "--llama2c", tmp.resolve("nope.bin").toString(), "--name", "my model/1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("--name 'my model/1' may contain only letters, digits, '.', '_' and '-'")
                .contains("--llama2c: no file at")
                .contains("--llama2c needs --tokenizer FILE");
    }

    @Test
    void adapterChangesTheContinuationAndAMisfitIsRefused() throws Exception {
        Path model = tmp.resolve("stories260K");
        assertThat(importStories(model).code()).isZero();
        Path adapter = tmp.resolve("adapter");
        try (org.lorapipe.model.LlamaModel base = org.lorapipe.model.LlamaModel.load(model)) {
            var spec = new org.lorapipe.contract.request.LoraSpec(
                    4, 8, 0.0, java.util.List.of("all-linear"), java.util.Map.of(), java.util.Map.of(), false);
            var plan = org.lorapipe.tuning.lora.LoraPlan.resolve(spec, base.linears());
            java.util.Map<String, float[][]> values = new java.util.LinkedHashMap<>();
            java.util.SplittableRandom random = new java.util.SplittableRandom(3);
            for (var t : plan.targets()) {
                float[] a = new float[t.rank() * t.inFeatures()];
                float[] b = new float[t.outFeatures() * t.rank()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (random.nextDouble() - 0.5);
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) (random.nextDouble() - 0.5);
                }
                values.put(t.module(), new float[][] {a, b});
            }
            try (var adapters = org.lorapipe.tuning.lora.LoraAdapters.withValues(base, plan, values)) {
                org.lorapipe.tuning.peft.PeftAdapter.save(adapter, adapters, model.toString());
            }
        }
        String[] args = {
            "generate",
            "--model",
            model.toString(),
            "--prompt",
            "Once upon a time",
            "--max-tokens",
            "40",
            "--temperature",
            "0"
        };
        Cli.Run plain = Cli.run(args);
        String[] withAdapter = java.util.Arrays.copyOf(args, args.length + 2);
        withAdapter[args.length] = "--adapter";
        withAdapter[args.length + 1] = adapter.toString();
        Cli.Run adapted = Cli.run(withAdapter);
        assertThat(adapted.code()).as(adapted.err()).isZero();
        assertThat(adapted.out()).startsWith("Once upon a time").isNotEqualTo(plain.out());

        Path config = adapter.resolve("adapter_config.json");
        Files.writeString(config, Files.readString(config).replaceAll("\"r\"\\s*:\\s*4", "\"r\" : 8"));
        Cli.Run misfit = Cli.run(withAdapter);
        assertThat(misfit.code()).isEqualTo(2);
        assertThat(misfit.err()).contains("lora_A");
    }

    @Test
    void missingModelDirectorySaysWhatToPass() {
        Cli.Run r = Cli.run("generate", "--model", tmp.resolve("absent").toString(), "--temperature", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no model directory at").contains("lora import --out DIR");
    }

    @Test
    void helpShowsExamples() {
        String help = Cli.run("import", "--help").out().replaceAll("\\s+", " ");
        assertThat(help).as("--hf names every supported architecture").contains(LlamaConfig.SUPPORTED_ARCHITECTURES);
        assertThat(Cli.run("import", "--help").out())
                .contains("Examples:")
                .contains("lora import --llama2c stories260K.bin --tokenizer tok512.bin \\\n")
                .contains("--name stories260K");
        assertThat(Cli.run("generate", "--help").out())
                .contains("Examples:")
                .contains("--prompt \"\" --max-tokens 256 --temperature 0");
        assertThat(Cli.run("--help").out()).contains("import").contains("generate");
    }
}

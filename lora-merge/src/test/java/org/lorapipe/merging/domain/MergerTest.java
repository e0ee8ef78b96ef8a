package org.lorapipe.merging.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.artifact.ChatTemplateFile;
import org.lorapipe.contract.checksum.ChecksumVerifier;
import org.lorapipe.contract.checksum.Sha256Sums;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.generate.Generation;
import org.lorapipe.model.generate.GenerationConfig;
import org.lorapipe.model.generate.GenerationResult;
import org.lorapipe.model.io.DType;
import org.lorapipe.model.io.SafetensorsCheckpoint;
import org.lorapipe.model.testing.ModelFixtures;
import org.lorapipe.model.tokenizer.Tokenizers;

class MergerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Merger.Options F32 = new Merger.Options(DType.F32, 1L << 30);

    @TempDir
    static Path tmp;

    static LlamaConfig config = Fixtures.tiny(false);
    static Path base;
    static Path shardedBase;
    static Fixtures.AdapterBuilder lora;
    static Path adapter;
    static MergeResult merged;
    static int[][] heldOut = Fixtures.sequences(3, 12, 512, 7);

    @BeforeAll
    static void setUp() throws IOException {
        base = Fixtures.base(tmp.resolve("base"), config, 11, 1L << 30);
        shardedBase = Fixtures.base(tmp.resolve("base-sharded"), config, 11, 40_000);
        // q and v everywhere, a rank-4 down_proj in layer 1 (rank_pattern), v with alpha 32 (alpha_pattern), lm_head
        lora = new Fixtures.AdapterBuilder(8, 16, 3)
                .rankPattern("layers.1.mlp.down_proj", 4)
                .alphaPattern("v_proj", 32);
        for (int i = 0; i < 2; i++) {
            lora.module("model.layers." + i + ".self_attn.q_proj", 8, 32, 32);
            lora.module("model.layers." + i + ".self_attn.v_proj", 8, 32, 16);
        }
        lora.module("model.layers.1.mlp.down_proj", 4, 48, 32);
        lora.module("lm_head", 8, 32, 512);
        adapter = lora.write(tmp.resolve("adapter"));
        merged = Merger.merge(base, adapter, tmp.resolve("merged"), F32);
    }

    static double scaleOf(String module) {
        if (module.endsWith("down_proj")) {
            return 16.0 / 4;
        }
        return module.endsWith("v_proj") ? 32.0 / 8 : 16.0 / 8;
    }

    @Test
    void mergedWeightsAreBasePlusScaledLowRankProductAndTheRestIsCopied() {
        Map<String, Fixtures.Lora> modules = lora.modules();
        for (String name : LlamaModel.expectedTensors(config).keySet()) {
            float[] w = Fixtures.tensor(base, name);
            float[] out = Fixtures.tensor(merged.dir(), name);
            String module = name.substring(0, name.length() - ".weight".length());
            Fixtures.Lora l = modules.get(module);
            if (l == null) {
                assertThat(out).as(name).isEqualTo(w);
            } else {
                float[] expected = Fixtures.expectedMerge(w, l, scaleOf(module));
                assertThat(ModelFixtures.maxAbsDiff(out, expected)).as(name).isLessThan(1e-6f);
                assertThat(ModelFixtures.maxAbsDiff(out, w))
                        .as(name + " changed")
                        .isGreaterThan(1e-2f);
            }
        }
        assertThat(merged.mergedTensors())
                .containsExactlyInAnyOrderElementsOf(
                        modules.keySet().stream().map(m -> m + ".weight").toList());
        assertThat(merged.untiedLmHead()).isFalse();
    }

    @Test
    void folderHasHuggingFaceLayoutAndChecksums() throws IOException {
        Path dir = merged.dir();
        assertThat(names(dir))
                .containsExactly(
                        "SHA256SUMS", "config.json", "generation_config.json", "model.safetensors", "tokenizer.bin");
        // files: sorted by path, SHA256SUMS (which cannot list itself) last
        JsonNode c = JSON.readTree(dir.resolve("config.json").toFile());
        assertThat(c.get("torch_dtype").asText()).isEqualTo("float32");
        assertThat(c.get("tie_word_embeddings").asBoolean()).isFalse();
        assertThat(Files.mismatch(base.resolve("tokenizer.bin"), dir.resolve("tokenizer.bin")))
                .isEqualTo(-1);
        assertThat(merged.files())
                .extracting(f -> f.path())
                .containsExactly(
                        "config.json", "generation_config.json", "model.safetensors", "tokenizer.bin", "SHA256SUMS");
        for (var f : merged.files()) {
            assertThat(f.bytes()).isEqualTo(Files.size(dir.resolve(f.path())));
            assertThat(f.sha256()).isEqualTo(Sha256Sums.sha256(dir.resolve(f.path())));
        }
        List<String> lines = Files.readAllLines(dir.resolve("SHA256SUMS"));
        assertThat(lines).hasSize(4).allMatch(l -> l.matches("[0-9a-f]{64}  [a-z_.]+"));
        assertThat(ChecksumVerifier.verify(dir)).hasSize(4);
        assertThat(Stream.of(tmp.toFile().list())).noneMatch(n -> n.contains(".partial-"));
    }

    @Test
    void mergingTwiceGivesIdenticalBytes() throws IOException {
        MergeResult again = Merger.merge(base, adapter, tmp.resolve("merged-again"), F32);
        assertThat(again.files()).isEqualTo(merged.files());
        for (String n : names(merged.dir())) {
            assertThat(Files.mismatch(merged.dir().resolve(n), again.dir().resolve(n)))
                    .as(n)
                    .isEqualTo(-1);
        }
        // into the same folder again: replaced, same bytes
        MergeResult third = Merger.merge(base, adapter, again.dir(), F32);
        assertThat(third.files()).isEqualTo(merged.files());
    }

    @Test
    void mergedLogitsEqualBasePlusAdapter() {
        double diff = MergeVerification.maxAbsLogitDiff(base, adapter, merged.dir(), heldOut);
        assertThat(diff).isLessThan(1e-4);
        try (LlamaModel b = LlamaModel.load(base, Device.cpu());
                LlamaModel m = LlamaModel.load(merged.dir(), Device.cpu())) {
            assertThat(MergeVerification.maxAbsLogitDiff(b, m, heldOut))
                    .as("the adapter changes the model")
                    .isGreaterThan(1e-2);
        }
    }

    @Test
    void halfPrecisionOutputsLoadBackAndAreClose() throws IOException {
        for (DType dtype : List.of(DType.F16, DType.BF16)) {
            MergeResult r =
                    Merger.merge(base, adapter, tmp.resolve("merged-" + dtype), new Merger.Options(dtype, 1L << 30));
            assertThat(JSON.readTree(r.dir().resolve("config.json").toFile())
                            .get("torch_dtype")
                            .asText())
                    .isEqualTo(dtype.torchName());
            double relative = dtype == DType.BF16 ? 1.0 / 256 : 1.0 / 2048;
            try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(r.dir())) {
                for (String name : c.names()) {
                    assertThat(c.info(name).dtype()).isEqualTo(dtype);
                    float[] half = Fixtures.tensor(r.dir(), name);
                    float[] full = Fixtures.tensor(merged.dir(), name);
                    for (int i = 0; i < full.length; i++) {
                        assertThat((double) Math.abs(half[i] - full[i]))
                                .as(name + "[" + i + "] " + dtype)
                                .isLessThanOrEqualTo(Math.abs(full[i]) * relative + 1e-7);
                    }
                }
            }
            double diff = MergeVerification.maxAbsLogitDiff(base, adapter, r.dir(), heldOut);
            assertThat(diff).as(dtype.toString()).isLessThan(dtype == DType.BF16 ? 5e-2 : 1e-2);
        }
    }

    @Test
    void shardedInputAndOutputLoadBackAndGenerate() throws IOException {
        assertThat(names(shardedBase)).contains("model.safetensors.index.json");
        MergeResult r = Merger.merge(
                shardedBase, adapter, tmp.resolve("merged-sharded"), new Merger.Options(DType.F32, 30_000));
        List<String> shards = names(r.dir()).stream()
                .filter(n -> n.matches("model-\\d{5}-of-\\d{5}\\.safetensors"))
                .toList();
        assertThat(shards.size()).isGreaterThan(2);
        assertThat(names(r.dir())).contains("model.safetensors.index.json").doesNotContain("model.safetensors");
        for (String name : LlamaModel.expectedTensors(config).keySet()) {
            assertThat(Fixtures.tensor(r.dir(), name)).as(name).isEqualTo(Fixtures.tensor(merged.dir(), name));
        }
        ChecksumVerifier.verify(r.dir());
        // sampled (a random model's greedy choice may well be EOS at once); same seed, same weights, same text
        GenerationConfig sampling = new GenerationConfig(24, 1.0f, 0, 0f, 42);
        GenerationResult fromShards;
        GenerationResult fromSingle;
        try (LlamaModel m = LlamaModel.load(r.dir(), Device.cpu());
                Generation g = new Generation(m, Tokenizers.load(r.dir()))) {
            fromShards = g.generate("Once upon a time", sampling);
        }
        try (Generation g = Generation.load(merged.dir(), Device.cpu())) {
            fromSingle = g.generate("Once upon a time", sampling);
        }
        assertThat(fromShards.text()).startsWith("Once upon a time").isEqualTo(fromSingle.text());
        assertThat(fromShards.tokens()).isEqualTo(fromSingle.tokens());
        assertThat(fromShards.generatedTokens()).isPositive();
    }

    @Test
    void shapeMismatchNamesTheTensorAndBothShapes() throws IOException {
        Path bad = new Fixtures.AdapterBuilder(8, 16, 5)
                .module("model.layers.0.self_attn.q_proj", 8, 32, 48)
                .module("model.layers.1.self_attn.k_proj", 8, 64, 16)
                .write(tmp.resolve("adapter-bad-shape"));
        Path out = tmp.resolve("merged-bad-shape");
        assertThatThrownBy(() -> Merger.merge(base, bad, out, F32))
                .isInstanceOf(MergeException.class)
                .hasMessageContaining("'model.layers.0.self_attn.q_proj.weight' has shape [32, 32]")
                .hasMessageContaining("B @ A is [48, 32]")
                .hasMessageContaining("'model.layers.1.self_attn.k_proj.weight' has shape [16, 32]")
                .hasMessageContaining("[16, 64]")
                .satisfies(e -> assertThat(((MergeException) e).problems()).hasSize(2));
        assertThat(out).doesNotExist();
        assertThat(tmp.toFile().list()).noneMatch(n -> n.contains(".partial-"));
    }

    @Test
    void moduleMissingFromTheBaseAndRankDisagreeingWithConfigAreReported() throws IOException {
        Path bad = new Fixtures.AdapterBuilder(8, 16, 5)
                .module("model.layers.7.self_attn.q_proj", 8, 32, 32)
                .write(tmp.resolve("adapter-bad-module"));
        assertThatThrownBy(() -> Merger.merge(base, bad, tmp.resolve("m1"), F32))
                .isInstanceOf(MergeException.class)
                .hasMessageContaining("model.layers.7.self_attn.q_proj")
                .hasMessageContaining("no tensor 'model.layers.7.self_attn.q_proj.weight'");
        Path badRank = new Fixtures.AdapterBuilder(8, 16, 5)
                .module("model.layers.0.self_attn.q_proj", 4, 32, 32)
                .write(tmp.resolve("adapter-bad-rank"));
        assertThatThrownBy(() -> Merger.merge(base, badRank, tmp.resolve("m2"), F32))
                .isInstanceOf(MergeException.class)
                .hasMessageContaining("has rank 4")
                .hasMessageContaining("r=8");
        assertThat(tmp.resolve("m1")).doesNotExist();
        assertThat(tmp.resolve("m2")).doesNotExist();
    }

    @Test
    void truncatedOrMissingShardIsNamed() throws IOException {
        Path copy = copyDir(shardedBase, tmp.resolve("base-truncated"));
        String shard = "model-00002-of-" + String.format("%05d", countShards(copy)) + ".safetensors";
        Path file = copy.resolve(shard);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        Path out = tmp.resolve("merged-truncated");
        assertThatThrownBy(() -> Merger.merge(copy, adapter, out, F32))
                .isInstanceOf(MergeException.class)
                .hasMessageContaining(shard)
                .hasMessageContaining("truncated");
        Files.delete(file);
        assertThatThrownBy(() -> Merger.merge(copy, adapter, out, F32))
                .isInstanceOf(MergeException.class)
                .hasMessageContaining(shard)
                .hasMessageContaining("missing");
        assertThat(out).doesNotExist();
    }

    @Test
    void adaptedTiedHeadIsWrittenUntied() throws IOException {
        LlamaConfig tied = Fixtures.tiny(true);
        Path tiedBase = Fixtures.base(tmp.resolve("base-tied"), tied, 12, 1L << 30);
        assertThat(SafetensorsCheckpoint.open(tiedBase).contains("lm_head.weight"))
                .isFalse();
        Fixtures.AdapterBuilder b = new Fixtures.AdapterBuilder(8, 16, 9)
                .module("lm_head", 8, 32, 512)
                .module("model.layers.0.self_attn.q_proj", 8, 32, 32);
        Path tiedAdapter = b.write(tmp.resolve("adapter-tied"));
        MergeResult r = Merger.merge(tiedBase, tiedAdapter, tmp.resolve("merged-tied"), F32);
        assertThat(r.untiedLmHead()).isTrue();
        assertThat(JSON.readTree(r.dir().resolve("config.json").toFile())
                        .get("tie_word_embeddings")
                        .asBoolean())
                .isFalse();
        float[] embed = Fixtures.tensor(tiedBase, "model.embed_tokens.weight");
        assertThat(Fixtures.tensor(r.dir(), "model.embed_tokens.weight")).isEqualTo(embed);
        float[] expected = Fixtures.expectedMerge(embed, b.modules().get("lm_head"), 2.0);
        assertThat(ModelFixtures.maxAbsDiff(Fixtures.tensor(r.dir(), "lm_head.weight"), expected))
                .isLessThan(1e-6f);
        assertThat(MergeVerification.maxAbsLogitDiff(tiedBase, tiedAdapter, r.dir(), heldOut))
                .isLessThan(1e-4);
    }

    @Test
    void theChatTemplateTheAdapterWasTrainedWithGoesIntoTokenizerConfig() throws IOException {
        String template = "{{ bos_token }}{% for m in messages %}{{ m['content'] }}\n{% endfor %}";
        Path withTemplate = copyDir(adapter, tmp.resolve("adapter-chat"));
        Files.writeString(withTemplate.resolve(ChatTemplateFile.FILE), template);

        // a base without tokenizer_config.json gets one holding just the template
        MergeResult r = Merger.merge(base, withTemplate, tmp.resolve("merged-chat"), F32);
        assertThat(JSON.readTree(r.dir().resolve("tokenizer_config.json").toFile())
                        .get("chat_template")
                        .asText())
                .isEqualTo(template);
        assertThat(r.files()).extracting(f -> f.path()).contains("tokenizer_config.json");
        assertThat(names(r.dir())).doesNotContain(ChatTemplateFile.FILE);

        // a base's own template is replaced, its other settings kept
        Path chatBase = copyDir(base, tmp.resolve("base-chat"));
        Files.writeString(
                chatBase.resolve("tokenizer_config.json"),
                "{\"bos_token\": \"<s>\", \"model_max_length\": 1000000000000000019884624838656,"
                        + " \"chat_template\": \"{{ messages[0]['content'] }}\"}");
        MergeResult replaced = Merger.merge(chatBase, withTemplate, tmp.resolve("merged-chat-2"), F32);
        JsonNode config =
                JSON.readTree(replaced.dir().resolve("tokenizer_config.json").toFile());
        assertThat(config.get("chat_template").asText()).isEqualTo(template);
        assertThat(config.get("bos_token").asText()).isEqualTo("<s>");
        assertThat(config.get("model_max_length").bigIntegerValue())
                .isEqualTo(new java.math.BigInteger("1000000000000000019884624838656"));

        // a base's chat_template.jinja (which transformers would read first) does not hide the adapter's
        Files.writeString(chatBase.resolve(ChatTemplateFile.FILE), "{{ 'base' }}");
        MergeResult shadowed = Merger.merge(chatBase, withTemplate, tmp.resolve("merged-chat-4"), F32);
        assertThat(names(shadowed.dir())).doesNotContain(ChatTemplateFile.FILE);

        // without a template in the adapter the base's stays as it was, in either file
        MergeResult kept = Merger.merge(chatBase, adapter, tmp.resolve("merged-chat-3"), F32);
        assertThat(Files.mismatch(
                        chatBase.resolve("tokenizer_config.json"), kept.dir().resolve("tokenizer_config.json")))
                .isEqualTo(-1);
        assertThat(Files.readString(kept.dir().resolve(ChatTemplateFile.FILE))).isEqualTo("{{ 'base' }}");
    }

    private static int countShards(Path dir) throws IOException {
        return (int) names(dir).stream().filter(n -> n.endsWith(".safetensors")).count();
    }

    private static Path copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String n : names(from)) {
            Files.copy(from.resolve(n), to.resolve(n));
        }
        return to;
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

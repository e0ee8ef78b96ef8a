package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.model.generate.Generation;
import org.lorapipe.model.generate.GenerationConfig;
import org.lorapipe.model.tokenizer.HfTokenizer;
import org.lorapipe.model.tokenizer.Llama2cTokenizer;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.model.tokenizer.Tokenizers;
import org.lorapipe.testkit.TestData;

/** stories260K imported to the Hugging Face layout behaves exactly like the llama2.c files. */
class StoriesImportTest {

    @TempDir
    static Path tmp;

    static Path hfDir;
    static Generation fromBin;
    static Generation fromHf;

    @BeforeAll
    static void importOnce() {
        hfDir = tmp.resolve("stories260K");
        ModelImport.Result r = ModelImport.fromLlama2c(
                TestData.file("models/stories260K/stories260K.bin"),
                TestData.file("models/stories260K/tok512.bin"),
                hfDir);
        assertThat(r.dir()).isEqualTo(hfDir);
        fromBin = Generation.fromLlama2c(
                TestData.file("models/stories260K/stories260K.bin"), TestData.file("models/stories260K/tok512.bin"));
        fromHf = Generation.load(hfDir);
    }

    @AfterAll
    static void close() {
        fromBin.close();
        fromHf.close();
    }

    @Test
    void writesACompleteHuggingFaceDirectory() throws IOException {
        try (var files = Files.list(hfDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            "config.json",
                            "model.safetensors",
                            "tokenizer.json",
                            "tokenizer_config.json",
                            "generation_config.json");
        }
        JsonNode c = new ObjectMapper().readTree(hfDir.resolve("config.json").toFile());
        assertThat(c.path("architectures").get(0).asText()).isEqualTo("LlamaForCausalLM");
        assertThat(c.path("hidden_size").asInt()).isEqualTo(64);
        assertThat(c.path("intermediate_size").asInt()).isEqualTo(172);
        assertThat(c.path("num_hidden_layers").asInt()).isEqualTo(5);
        assertThat(c.path("num_attention_heads").asInt()).isEqualTo(8);
        assertThat(c.path("num_key_value_heads").asInt()).isEqualTo(4);
        assertThat(c.path("vocab_size").asInt()).isEqualTo(512);
        assertThat(c.path("rms_norm_eps").asDouble()).isEqualTo(1e-5);
        assertThat(c.path("tie_word_embeddings").asBoolean()).isTrue();
        assertThat(c.path("max_position_embeddings").asInt()).isEqualTo(512);
        assertThat(fromHf.model().config().parameterCount()).isEqualTo(260_032);
        assertThat(Tokenizers.load(hfDir)).isInstanceOf(HfTokenizer.class);
    }

    @Test
    void logitsEqualTheLlama2cPath() {
        int[] ids = fromBin.tokenizer().encode("Once upon a time, there was a dog named Max.", true);
        try (NDManager m = fromBin.model().manager().newSubManager()) {
            NDArray input = m.create(ids).reshape(1, ids.length);
            NDArray a = fromBin.model().forward(input, null, null);
            NDArray b = fromHf.model().forward(input, null, null);
            assertThat(a.sub(b).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }

    @Test
    void importedModelReproducesRuncGreedyOutput() throws IOException {
        String expected = Files.readString(TestData.file("models/stories260K/greedy_t0_n256_runc.txt"));
        assertThat(fromHf.generate("", GenerationConfig.greedy(256)).text() + "\n")
                .isEqualTo(expected);
    }

    @Test
    void bothPathsGenerateTheSameTextForSeveralPrompts() {
        for (String prompt : List.of("Once upon a time", "Lily had a", "The dog", "Tom and Sue went to the park.")) {
            String a = fromBin.generate(prompt, GenerationConfig.greedy(96)).text();
            String b = fromHf.generate(prompt, GenerationConfig.greedy(96)).text();
            assertThat(b).isEqualTo(a);
            assertThat(a).startsWith(prompt);
            assertThat(a.length()).isGreaterThan(prompt.length() + 20);
        }
    }

    @Test
    void exportedTokenizerJsonEncodesLikeTheLlama2cTokenizer() throws IOException {
        Llama2cTokenizer ref = (Llama2cTokenizer) fromBin.tokenizer();
        List<String> sentences = new ArrayList<>(org.lorapipe.model.tokenizer.TokenizerSentences.all());
        // known, intended difference: like every HF Llama tokenizer, literal "<s>", "</s>", "<unk>" in the
        // text are matched as the special tokens (run.c spells them out character by character)
        sentences.removeIf(s -> s.contains("<s>") || s.contains("</s>") || s.contains("<unk>"));
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(
                hfDir.resolve("tokenizer.json"), Map.of("truncation", "false", "padding", "false"))) {
            for (String s : sentences) {
                int[] want = ref.encode(s, true);
                long[] withSpecial = djl.encode(s, true, false).getIds();
                assertThat(Arrays.stream(withSpecial).mapToInt(l -> (int) l).toArray())
                        .as(s)
                        .containsExactly(want);
                int[] noBos = ref.encode(s, false);
                long[] without = djl.encode(s, false, false).getIds();
                assertThat(Arrays.stream(without).mapToInt(l -> (int) l).toArray())
                        .as(s)
                        .containsExactly(noBos);
            }
        }
        TextTokenizer hf = fromHf.tokenizer();
        assertThat(hf.encode("a <s> b", false)).contains(Llama2cTokenizer.BOS);
        for (String s : sentences.subList(0, 400)) {
            int[] ids = ref.encode(s, true);
            assertThat(hf.decode(ids)).as(s).isEqualTo(ref.decode(ids));
            for (int i = 1; i < Math.min(ids.length, 40); i++) {
                assertThat(hf.decodePiece(ids[i - 1], ids[i])).isEqualTo(ref.decodePiece(ids[i - 1], ids[i]));
            }
        }
        assertThat(sentences.size()).isGreaterThan(2000);
    }

    @Test
    void bothFormatsWriteOutSpecialTokensAlike() {
        Llama2cTokenizer ref = (Llama2cTokenizer) fromBin.tokenizer();
        TextTokenizer hf = fromHf.tokenizer();
        for (String s : List.of("Once upon a time.", "Lily saw a big dog.\nShe smiled.")) {
            int[] ids = ref.encode(s, true);
            int[] withEos = Arrays.copyOf(ids, ids.length + 1);
            withEos[ids.length] = Llama2cTokenizer.EOS;
            assertThat(ref.decodeWithSpecialTokens(withEos)).isEqualTo("<s> " + s + "</s>");
            assertThat(hf.decodeWithSpecialTokens(withEos)).isEqualTo(ref.decodeWithSpecialTokens(withEos));
            assertThat(hf.decode(withEos)).isEqualTo(s);
        }
    }

    @Test
    void noTokenStandsForMoreCharactersThanTheLongestPieceInEitherFormat() throws IOException {
        List<String> sentences = new ArrayList<>(org.lorapipe.model.tokenizer.TokenizerSentences.all());
        sentences.add("<s>".repeat(50) + "</s></s><unk>"); // special tokens matched in the text
        for (TextTokenizer t : List.of(fromBin.tokenizer(), fromHf.tokenizer())) {
            int longest = t.longestPieceChars().orElseThrow();
            assertThat(longest).as("stories260K's longest piece").isBetween(3, 16);
            for (String s : sentences) {
                assertThat((long) t.encode(s, false).length * longest)
                        .as("%s: %s", t.getClass().getSimpleName(), s)
                        .isGreaterThanOrEqualTo(s.length());
            }
        }
    }

    @Test
    void aChatTemplateFileIsImportedWithTheTokenizerFiles() throws IOException {
        Path withTemplate = tmp.resolve("with-template");
        Files.createDirectories(withTemplate);
        try (var files = Files.list(hfDir)) {
            for (Path f : files.toList()) {
                Files.copy(f, withTemplate.resolve(f.getFileName()));
            }
        }
        String template = "{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}";
        Files.writeString(withTemplate.resolve("chat_template.jinja"), template);
        ModelImport.Result r = ModelImport.fromHuggingFace(withTemplate, tmp.resolve("imported-with-template"));
        assertThat(Files.readString(r.dir().resolve("chat_template.jinja"))).isEqualTo(template);
    }

    @Test
    void reImportingTheHuggingFaceDirectoryValidatesAndCopies() {
        Path again = tmp.resolve("again");
        ModelImport.Result r = ModelImport.fromHuggingFace(hfDir, again);
        assertThat(r.files())
                .extracting(p -> p.getFileName().toString())
                .contains(
                        "model.safetensors",
                        "config.json",
                        "tokenizer.json",
                        "tokenizer_config.json",
                        "generation_config.json");
        try (LlamaModel m = LlamaModel.load(again, Device.cpu())) {
            assertThat(m.config()).isEqualTo(fromHf.model().config());
        }
    }

    @Test
    void refusesANonEmptyOutputDirectory() {
        assertThatThrownBy(() -> ModelImport.fromLlama2c(
                        TestData.file("models/stories260K/stories260K.bin"),
                        TestData.file("models/stories260K/tok512.bin"),
                        hfDir))
                .hasMessageContaining("is not empty");
    }

    @Test
    void truncatedCheckpointIsRefused() throws IOException {
        byte[] all = Files.readAllBytes(TestData.file("models/stories260K/stories260K.bin"));
        Path cut = tmp.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(all, all.length - 1000));
        assertThatThrownBy(() -> ModelImport.fromLlama2c(
                        cut, TestData.file("models/stories260K/tok512.bin"), tmp.resolve("never")))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("truncated");
        assertThat(Files.exists(tmp.resolve("never"))).isFalse();
        assertThatThrownBy(() -> LlamaModel.fromLlama2c(tmp.resolve("missing.bin"), Device.cpu()))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not found");
    }
}

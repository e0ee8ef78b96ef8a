package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.model.tokenizer.HfTokenizer;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.model.tokenizer.Tokenizers;
import org.lorapipe.testkit.TestData;

/** The GPT-2 fixture: its architecture is refused, its tokenizer.json works. */
class HuggingFaceFixtureTest {

    static final Path GPT2 = TestData.dir("models/hf-fake-gpt2");

    @Test
    void gpt2ArchitectureIsRefusedWithTheSupportedList() {
        assertThatThrownBy(() -> LlamaModel.load(GPT2, Device.cpu()))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("architecture GPT2LMHeadModel is not supported (supported: LlamaForCausalLM,")
                .hasMessageContaining(GPT2.resolve("config.json").toString());
    }

    @Test
    void importOfGpt2IsRefused(@TempDir Path tmp) {
        assertThatThrownBy(() -> ModelImport.fromHuggingFace(GPT2, tmp.resolve("out")))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("GPT2LMHeadModel is not supported");
    }

    @Test
    void gpt2TokenizerLoadsAndRoundTripsText() {
        try (TextTokenizer tok = Tokenizers.load(GPT2)) {
            assertThat(tok).isInstanceOf(HfTokenizer.class);
            assertThat(tok.vocabSize()).isEqualTo(50257);
            assertThat(tok.bosId()).isEqualTo(50256);
            for (String s : List.of("Hello world", " leading space", "Ünïcödé 🙂 text\nwith lines", "")) {
                int[] ids = tok.encode(s, false);
                assertThat(tok.decode(ids)).isEqualTo(s);
            }
            assertThat(tok.encode("Hello world", false)).containsExactly(15496, 995);
            assertThat(tok.encode("Hello", true)).containsExactly(50256, 15496);
            assertThat(tok.decodePiece(15496, 995)).isEqualTo(" world");
            assertThat(tok.sha256()).hasSize(64);
            // byte-level BPE: every byte has a token, so a token covers at most its entry's length
            int longest = tok.longestPieceChars().orElseThrow();
            String text = "Ünïcödé 🙂 text\nwith lines, and a longer sentence to count the tokens of.";
            assertThat((long) tok.encode(text, false).length * longest).isGreaterThanOrEqualTo(text.length());
        }
    }
}

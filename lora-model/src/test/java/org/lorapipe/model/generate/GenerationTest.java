package org.lorapipe.model.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipe.testkit.TestData;

class GenerationTest {

    static Generation gen;

    @BeforeAll
    static void load() {
        gen = Generation.fromLlama2c(
                TestData.file("models/stories260K/stories260K.bin"), TestData.file("models/stories260K/tok512.bin"));
    }

    @AfterAll
    static void close() {
        gen.close();
    }

    @Test
    void greedyMatchesRuncAndStreamsThePieces() throws IOException {
        String expected = Files.readString(TestData.file("models/stories260K/greedy_t0_n256_runc.txt"));
        List<String> pieces = new ArrayList<>();
        GenerationResult r = gen.generate("", GenerationConfig.greedy(256), pieces::add);
        assertThat(r.text() + "\n").isEqualTo(expected);
        assertThat(String.join("", pieces)).isEqualTo(r.text());
        assertThat(r.tokens()).hasSize(257); // BOS + 256 positions' samples
        assertThat(r.promptTokens()).isEqualTo(1);
        assertThat(r.stopReason()).isEqualTo(GenerationResult.StopReason.MAX_TOKENS);
    }

    /** The sample in stories260K.md: run.c -t 1.0 -p 0.9 -s 133742 (same xorshift RNG, same top-p). */
    @Test
    void seededTopPSamplingMatchesRunc() throws IOException {
        String md = Files.readString(TestData.file("models/stories260K/stories260K.md"));
        int at = md.indexOf("-s 133742");
        String expected =
                md.substring(md.indexOf('\n', at) + 1, md.indexOf("```", at)).strip();
        String text =
                gen.generate("", GenerationConfig.runcDefaults(256, 133742)).text();
        assertThat(text.strip()).isEqualTo(expected);
    }

    @Test
    void promptIsPrintedAndCountsTowardsMaxTokens() {
        GenerationResult r = gen.generate("Once upon a time", GenerationConfig.greedy(20));
        assertThat(r.text()).startsWith("Once upon a time");
        assertThat(r.tokens()).hasSize(21);
        GenerationResult cut = gen.generate("Once upon a time there was a big dog", GenerationConfig.greedy(3));
        assertThat(cut.text()).isEqualTo(gen.tokenizer().decode(cut.tokens()));
        assertThat(cut.tokens()).hasSize(4);
    }

    @Test
    void sameSeedSameTextAndTopKOneIsGreedy() {
        GenerationConfig c = new GenerationConfig(60, 0.8f, 40, 0.95f, 1234);
        assertThat(gen.generate("The dog", c).text())
                .isEqualTo(gen.generate("The dog", c).text());
        String greedy = gen.generate("The dog", GenerationConfig.greedy(60)).text();
        assertThat(gen.generate("The dog", new GenerationConfig(60, 1.0f, 1, 0f, 99))
                        .text())
                .isEqualTo(greedy);
    }
}

package org.lorapipe.model.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipe.model.generate.Generation;
import org.lorapipe.model.generate.GenerationConfig;
import org.lorapipe.model.generate.GenerationResult;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.testkit.TestData;

class ScorerTest {

    static Generation gen;
    static Scorer scorer;
    static TextTokenizer tok;

    @BeforeAll
    static void load() {
        gen = Generation.fromLlama2c(
                TestData.file("models/stories260K/stories260K.bin"), TestData.file("models/stories260K/tok512.bin"));
        scorer = new Scorer(gen.model());
        tok = gen.tokenizer();
    }

    @AfterAll
    static void close() {
        gen.close();
    }

    @Test
    void batchedLogLikelihoodsEqualOneByOne() {
        List<int[]> ctx = new ArrayList<>();
        List<int[]> cont = new ArrayList<>();
        String[][] pairs = {
            {"Once upon a time, there was a", " little girl"},
            {"Once upon a time, there was a", " purple elephant who liked math"},
            {"Lily", " went to the park."},
            {"The cat sat on the", " mat"}
        };
        for (String[] p : pairs) {
            int[] whole = tok.encode(p[0] + p[1], true);
            int n = tok.encode(p[0], true).length;
            ctx.add(Arrays.copyOf(whole, n));
            cont.add(Arrays.copyOfRange(whole, n, whole.length));
        }
        double[] batched = scorer.logLikelihoods(ctx, cont, 4);
        double[] single = scorer.logLikelihoods(ctx, cont, 1);
        for (int i = 0; i < pairs.length; i++) {
            assertThat(batched[i]).isCloseTo(single[i], offset(1e-3));
            assertThat(batched[i]).isNegative();
        }
        assertThat(batched[0]).isGreaterThan(batched[1]); // "little girl" is the likelier story
    }

    @Test
    void tokenLogProbsSumToTheContinuationScoreAndGreedyIsDetected() {
        GenerationResult r = gen.generate("Once upon a time", GenerationConfig.greedy(30));
        int[] all = r.tokens();
        int split = r.promptTokens();
        Scorer.Score s = scorer.score(
                        List.of(Arrays.copyOf(all, split)), List.of(Arrays.copyOfRange(all, split, all.length)), 1)
                .get(0);
        assertThat(s.greedy()).isTrue();
        float[] lp = scorer.tokenLogProbs(all);
        double tail = 0;
        for (int i = split - 1; i < lp.length; i++) {
            tail += lp[i];
        }
        assertThat(s.logLikelihood()).isCloseTo(tail, offset(1e-3));
        assertThat(s.tokenLogProbs()).hasSize(all.length - split);
    }

    @Test
    void perplexityOfModelTextIsLowAndWindowingCoversEveryToken() {
        String text = gen.generate("", GenerationConfig.greedy(200)).text();
        int[] ids = tok.encode(text, true);
        Scorer.Perplexity whole = scorer.perplexity(ids, 512, 4);
        Scorer.Perplexity windows = scorer.perplexity(ids, 50, 3);
        assertThat(whole.tokens()).isEqualTo(ids.length - 1);
        assertThat(windows.tokens()).isEqualTo(ids.length - 1);
        assertThat(whole.perplexity()).isBetween(1.0, 3.0);
        assertThat(windows.perplexity()).isGreaterThanOrEqualTo(whole.perplexity() * 0.99);
        Scorer.Perplexity shuffled =
                scorer.perplexity(tok.encode("park the girl Lily to big a red went ball", true), 64, 1);
        assertThat(shuffled.perplexity()).isGreaterThan(whole.perplexity() * 5);
    }
}

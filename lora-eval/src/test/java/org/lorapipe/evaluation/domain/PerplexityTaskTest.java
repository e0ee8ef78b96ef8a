package org.lorapipe.evaluation.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.dataset.ShardFormat;
import org.lorapipe.contract.dataset.ShardWriter;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.model.DjlRuntime;

/** Perplexity over validation shards equals exp(mean NLL) computed token by token with the plain forward. */
class PerplexityTaskTest {

    static EvalModel model;

    @TempDir
    Path tmp;

    static final String[] TEXTS = {
        "Once upon a time, there was a little girl named Lily.",
        "She loved to play outside in the park with her red ball.",
        "One day, Tim saw a big dog. The dog was happy and wagged its tail.",
        "Mom said, \"Let's go home now.\" Lily was sad, but she went home.",
        "The sun was hot, so they sat under a tree and ate an apple.",
        "Ben had a toy car. He liked to make it go fast on the floor.",
    };

    @BeforeAll
    static void load() {
        DjlRuntime.inferenceMode();
        model = ModelVariant.directory(EvalTestData.stories()).load();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Sequences with a prompt part (not trainable) and a response part; the last ones packed. */
    static List<TokenizedSequence> sequences() {
        Random rnd = new Random(7);
        List<TokenizedSequence> out = new ArrayList<>();
        List<int[]> examples = new ArrayList<>();
        List<boolean[]> masks = new ArrayList<>();
        for (String t : TEXTS) {
            int[] ids = model.tokenizer().encode(t, true);
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = model.tokenizer().eosId();
            boolean[] trainable = new boolean[ids.length];
            int promptEnd = 1 + rnd.nextInt(ids.length / 2);
            for (int i = promptEnd; i < ids.length; i++) {
                trainable[i] = true;
            }
            examples.add(ids);
            masks.add(trainable);
        }
        for (int i = 0; i < 4; i++) {
            out.add(new TokenizedSequence(examples.get(i), masks.get(i), new int[] {0}));
        }
        // examples 4 and 5 packed into one sequence
        int[] a = examples.get(4);
        int[] b = examples.get(5);
        int[] ids = new int[a.length + b.length];
        boolean[] tr = new boolean[ids.length];
        System.arraycopy(a, 0, ids, 0, a.length);
        System.arraycopy(b, 0, ids, a.length, b.length);
        System.arraycopy(masks.get(4), 0, tr, 0, a.length);
        System.arraycopy(masks.get(5), 0, tr, a.length, b.length);
        out.add(new TokenizedSequence(ids, tr, new int[] {0, a.length}));
        return out;
    }

    static void writeShard(Path file, List<TokenizedSequence> seqs) throws Exception {
        try (OutputStream os = Files.newOutputStream(file);
                ShardWriter w = new ShardWriter(os)) {
            seqs.forEach(w::write);
        }
    }

    @Test
    void perplexityIsExpOfTheMeanTrainableTokenNll() throws Exception {
        List<TokenizedSequence> seqs = sequences();
        writeShard(tmp.resolve(ShardFormat.fileName("validation", 0)), seqs.subList(0, 3));
        writeShard(tmp.resolve(ShardFormat.fileName("validation", 1)), seqs.subList(3, seqs.size()));
        writeShard(tmp.resolve(ShardFormat.fileName("train", 0)), seqs.subList(0, 1)); // must be ignored

        List<Path> shards = PerplexityTask.validationShards(tmp);
        assertThat(shards)
                .extracting(p -> p.getFileName().toString())
                .containsExactly("validation-00000.bin", "validation-00001.bin");
        List<TokenizedSequence> read = PerplexityTask.read(shards);
        assertThat(read).isEqualTo(seqs);

        PerplexityTask.Run run = PerplexityTask.run(model, read, 4);

        // reference: each example on its own, token by token, trainable labels only
        double nll = 0;
        int count = 0;
        for (TokenizedSequence s : seqs) {
            int[] starts = s.starts();
            for (int e = 0; e < starts.length; e++) {
                int from = starts[e];
                int to = e + 1 < starts.length ? starts[e + 1] : s.length();
                int[] ids = Arrays.copyOfRange(s.ids(), from, to);
                float[][] logits = ReferenceScoring.logits(model.model(), Arrays.copyOf(ids, ids.length - 1));
                for (int i = 1; i < ids.length; i++) {
                    if (s.trainable()[from + i]) {
                        nll -= ReferenceScoring.logProb(logits[i - 1], ids[i]);
                        count++;
                    }
                }
            }
        }
        assertThat(run.tokenNll()).hasSize(count);
        assertThat(run.meanNll()).isCloseTo(nll / count, offset(1e-4));
        assertThat(run.perplexity()).isCloseTo(Math.exp(nll / count), offset(1e-3 * Math.exp(nll / count)));
        assertThat(run.examples()).hasSize(6);
        assertThat(run.metrics()).containsKeys("perplexity", "perplexity_stderr", "nll", "tokens");
        assertThat(run.metrics().get("tokens")).isEqualTo((double) count);
        System.out.printf("stories260K perplexity on %d trainable tokens: %.4f%n", count, run.perplexity());
    }

    @Test
    void aDatasetWithoutValidationShardsSaysSo() {
        assertThatThrownBy(() -> PerplexityTask.validationShards(tmp))
                .hasMessageContaining("has no validation-NNNNN.bin shards");
    }
}

package org.lorapipe.evaluation.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.tokenizer.TextTokenizer;

/**
 * acc / acc_norm on ARC-Easy against an independent implementation of the lm-evaluation-harness
 * conventions written here: its own prompt and context/continuation split, one sequence at a time
 * through the plain forward pass, log-softmax by hand. Only the file parsing is shared.
 */
class MultipleChoiceTaskTest {

    static EvalModel model;

    @BeforeAll
    static void load() {
        DjlRuntime.inferenceMode();
        model = ModelVariant.directory(EvalTestData.stories()).load();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The harness's arc_easy convention, re-derived. */
    static double referenceLogLikelihood(LlamaModel m, TextTokenizer tok, String context, String continuation) {
        // Python: n_spaces = len(context) - len(context.rstrip())
        int end = context.length();
        while (end > 0 && Character.isWhitespace(context.charAt(end - 1))) {
            end--;
        }
        String cont = context.substring(end) + continuation;
        String ctx = context.substring(0, end);
        int[] whole = tok.encode(ctx + cont, true);
        int[] ctxEnc = tok.encode(ctx, true);
        int[] contEnc = Arrays.copyOfRange(whole, ctxEnc.length, whole.length);
        int[] seq = new int[ctxEnc.length + contEnc.length];
        System.arraycopy(ctxEnc, 0, seq, 0, ctxEnc.length);
        System.arraycopy(contEnc, 0, seq, ctxEnc.length, contEnc.length);
        float[][] logits = ReferenceScoring.logits(m, Arrays.copyOf(seq, seq.length - 1));
        double sum = 0;
        for (int t = ctxEnc.length; t < seq.length; t++) {
            sum += ReferenceScoring.logProb(logits[t - 1], seq[t]);
        }
        return sum;
    }

    @Test
    void arcEasyFirst200MatchesTheIndependentReference() throws IOException {
        Benchmark bench = Benchmark.read(EvalTestData.arcEasy()).limit(200);
        MultipleChoiceTask.Run run = MultipleChoiceTask.run(model, bench, 16);
        assertThat(run.items()).hasSize(200);

        // the reference reads the raw JSONL itself: only "parsing" is shared, i.e. the item fields
        List<String> lines = Files.readAllLines(EvalTestData.arcEasy()).subList(0, 200);
        int correct = 0;
        int correctNorm = 0;
        for (int i = 0; i < 200; i++) {
            MultipleChoiceItem item = bench.items().get(i);
            assertThat(lines.get(i)).contains(item.id());
            String context = "Question: " + item.question() + "\nAnswer:";
            double[] ll = new double[item.choices().size()];
            double[] norm = new double[ll.length];
            for (int c = 0; c < ll.length; c++) {
                String text = item.choices().get(c);
                ll[c] = referenceLogLikelihood(model.model(), model.tokenizer(), context, " " + text);
                norm[c] = ll[c] / text.codePointCount(0, text.length());
            }
            int pick = 0;
            int pickNorm = 0;
            for (int c = 1; c < ll.length; c++) {
                if (ll[c] > ll[pick]) {
                    pick = c;
                }
                if (norm[c] > norm[pickNorm]) {
                    pickNorm = c;
                }
            }
            MultipleChoiceTask.ItemResult r = run.items().get(i);
            for (int c = 0; c < ll.length; c++) {
                assertThat(r.logLikelihoods()[c]).as("item %d choice %d", i, c).isCloseTo(ll[c], offset(2e-3));
            }
            assertThat(r.chosen()).as("item %d (%s) acc choice", i, item.id()).isEqualTo(pick);
            assertThat(r.chosenNorm())
                    .as("item %d (%s) acc_norm choice", i, item.id())
                    .isEqualTo(pickNorm);
            correct += pick == item.gold() ? 1 : 0;
            correctNorm += pickNorm == item.gold() ? 1 : 0;
        }
        assertThat(run.acc()).isEqualTo(correct / 200.0);
        assertThat(run.accNorm()).isEqualTo(correctNorm / 200.0);
        double p = correct / 200.0;
        assertThat(run.metrics().get("acc_stderr")).isCloseTo(Math.sqrt(p * (1 - p) / 199), offset(1e-12));
        assertThat(run.metrics().get("n")).isEqualTo(200.0);
        System.out.printf("stories260K ARC-Easy-Dev[0:200]: acc %.3f, acc_norm %.3f%n", run.acc(), run.accNorm());
    }

    @Test
    void contextTrailingSpacesMoveToTheContinuation() {
        TextTokenizer tok = model.tokenizer();
        LoglikelihoodRequest moved = LoglikelihoodRequest.encode(tok, "Answer: ", "yes");
        LoglikelihoodRequest plain = LoglikelihoodRequest.encode(tok, "Answer:", " yes");
        assertThat(moved.context()).isEqualTo(plain.context());
        assertThat(moved.continuation()).isEqualTo(plain.continuation());
        assertThat(moved.context()[0]).isEqualTo(tok.bosId());
        LoglikelihoodRequest empty = LoglikelihoodRequest.encode(tok, "", "Once");
        assertThat(empty.context()).containsExactly(tok.bosId());
    }

    @Test
    void mmluAndTruthfulQaItemsMatchTheReferenceToo() {
        List<Benchmark> benches = new ArrayList<>();
        benches.add(Benchmark.read(EvalTestData.dir().resolve("eval/mmlu/dev/astronomy_dev.csv")));
        benches.add(Benchmark.read(EvalTestData.dir().resolve("eval/truthfulqa/mc_task.json"))
                .limit(5));
        for (Benchmark bench : benches) {
            MultipleChoiceTask.Run run = MultipleChoiceTask.run(model, bench, 8);
            for (int i = 0; i < bench.items().size(); i++) {
                MultipleChoiceItem item = bench.items().get(i);
                String context = bench.style().context(item, bench.subject());
                List<String> texts = bench.style().choiceTexts(item);
                double[] ll = new double[texts.size()];
                for (int c = 0; c < ll.length; c++) {
                    ll[c] = referenceLogLikelihood(model.model(), model.tokenizer(), context, " " + texts.get(c));
                    assertThat(run.items().get(i).logLikelihoods()[c]).isCloseTo(ll[c], offset(2e-3));
                }
                assertThat(run.items().get(i).chosen()).isEqualTo(Stats.argmax(ll));
            }
        }
    }
}

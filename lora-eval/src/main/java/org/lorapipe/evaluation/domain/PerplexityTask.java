package org.lorapipe.evaluation.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.lorapipe.contract.dataset.ShardFormat;
import org.lorapipe.contract.dataset.ShardReader;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.score.Scorer;

/**
 * Perplexity on the held-out split: the mean negative log-likelihood of the tokens the trainer's loss
 * counts, and its exponential.
 *
 * <p>Token i of a sequence counts when {@code trainable[i]} (its label: predicted from tokens 0..i-1,
 * as the trainer's shifted loss). A packed sequence is split at its example starts and each example
 * scored on its own (attention never crosses examples), so the first token of an example is never
 * predicted. An example longer than the model's context is scored in windows of
 * max_position_embeddings + 1 tokens overlapping by one, every token predicted exactly once.
 */
public final class PerplexityTask {

    private PerplexityTask() {}

    /**
     * One example's contribution.
     *
     * @param sequence index of the sequence in the split (shard order)
     * @param start the example's start offset in that sequence
     * @param tokens scored tokens
     * @param nll their summed negative log-likelihood
     */
    public record ExampleResult(int sequence, int start, int tokens, double nll) {}

    /**
     * The run.
     *
     * @param tokenNll per scored token, in order (the units of the paired comparison)
     */
    public record Run(List<ExampleResult> examples, double[] tokenNll) implements TaskRun {

        public double meanNll() {
            return Stats.mean(tokenNll);
        }

        public double perplexity() {
            return Math.exp(meanNll());
        }

        @Override
        public List<Metric> headline() {
            double se = Stats.stderrOfMean(tokenNll);
            return List.of(new Metric(
                    "perplexity",
                    perplexity(),
                    perplexity() * se, // delta method: d exp(m) = exp(m) dm
                    false,
                    Metric.Scale.EXP_OF_MEAN,
                    tokenNll));
        }

        @Override
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("perplexity", perplexity());
            m.put("perplexity_stderr", headline().get(0).stderr());
            m.put("nll", meanNll());
            m.put("nll_stderr", Stats.stderrOfMean(tokenNll));
            m.put("tokens", (double) tokenNll.length);
            m.put("examples", (double) examples.size());
            return m;
        }

        @Override
        public Object details() {
            return examples;
        }
    }

    /** The {@code validation-NNNNN.bin} shards of a dataset directory, in order. */
    public static List<Path> validationShards(Path datasetDir) {
        if (!Files.isDirectory(datasetDir)) {
            throw new IllegalArgumentException("no dataset directory at " + datasetDir);
        }
        try (Stream<Path> s = Files.list(datasetDir)) {
            List<Path> shards = s.filter(
                            p -> ShardFormat.isShard(p.getFileName().toString(), ShardFormat.VALIDATION))
                    .sorted()
                    .toList();
            if (shards.isEmpty()) {
                throw new IllegalArgumentException(datasetDir + " has no validation-NNNNN.bin shards: the dataset"
                        + " was prepared without a validation split (validationFraction 0?)");
            }
            return shards;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + datasetDir, e);
        }
    }

    /** Reads every sequence of the shards. */
    public static List<TokenizedSequence> read(List<Path> shards) {
        List<TokenizedSequence> out = new ArrayList<>();
        for (Path shard : shards) {
            try (InputStream in = Files.newInputStream(shard);
                    ShardReader reader = new ShardReader(in, shard.toString())) {
                reader.forEachRemaining(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + shard, e);
            }
        }
        return out;
    }

    /** One scored window: BOS-side first token as context, the rest scored where {@code counted}. */
    private record Window(int example, int[] tokens, boolean[] counted) {}

    public static Run run(EvalModel model, List<TokenizedSequence> sequences, int batchSize) {
        DjlRuntime.inferenceMode();
        int maxWindow = model.model().config().maxPositionEmbeddings() + 1;
        List<ExampleResult> examples = new ArrayList<>();
        List<Window> windows = new ArrayList<>();
        for (int s = 0; s < sequences.size(); s++) {
            TokenizedSequence seq = sequences.get(s);
            int[] starts = seq.starts();
            for (int e = 0; e < starts.length; e++) {
                int from = starts[e];
                int to = e + 1 < starts.length ? starts[e + 1] : seq.length();
                int exampleIndex = examples.size();
                examples.add(new ExampleResult(s, from, 0, 0));
                for (int w = from; w + 1 < to; w += maxWindow - 1) {
                    int end = Math.min(to, w + maxWindow);
                    windows.add(new Window(
                            exampleIndex,
                            Arrays.copyOfRange(seq.ids(), w, end),
                            Arrays.copyOfRange(seq.trainable(), w + 1, end)));
                }
            }
        }
        float[][] logProbs = score(new Scorer(model.model()), windows, batchSize);
        int[] tokens = new int[examples.size()];
        double[] nll = new double[examples.size()];
        List<Double> perToken = new ArrayList<>();
        for (int w = 0; w < windows.size(); w++) {
            Window win = windows.get(w);
            for (int t = 0; t < win.counted().length; t++) {
                if (win.counted()[t]) {
                    double v = -logProbs[w][t];
                    tokens[win.example()]++;
                    nll[win.example()] += v;
                    perToken.add(v);
                }
            }
        }
        List<ExampleResult> results = new ArrayList<>();
        for (int e = 0; e < examples.size(); e++) {
            ExampleResult x = examples.get(e);
            results.add(new ExampleResult(x.sequence(), x.start(), tokens[e], nll[e]));
        }
        return new Run(
                results, perToken.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** log p(token t+1 | tokens 0..t) for each window, longest windows batched together. */
    private static float[][] score(Scorer scorer, List<Window> windows, int batchSize) {
        int[] order = IntStream.range(0, windows.size())
                .boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -windows.get(i).tokens().length))
                .mapToInt(Integer::intValue)
                .toArray();
        float[][] out = new float[windows.size()][];
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            List<int[]> contexts = new ArrayList<>();
            List<int[]> continuations = new ArrayList<>();
            for (int j = start; j < end; j++) {
                int[] t = windows.get(order[j]).tokens();
                contexts.add(new int[] {t[0]});
                continuations.add(Arrays.copyOfRange(t, 1, t.length));
            }
            List<Scorer.Score> scores = scorer.score(contexts, continuations, batchSize);
            for (int j = start; j < end; j++) {
                out[order[j]] = scores.get(j - start).tokenLogProbs();
            }
        }
        return out;
    }
}

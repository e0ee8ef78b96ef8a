package org.lorapipe.evaluation.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.score.Scorer;
import org.lorapipe.model.tokenizer.TextTokenizer;

/**
 * Multiple choice by log-likelihood, as lm-evaluation-harness scores arc_easy: for each choice the
 * summed log-probability of its continuation tokens after the context ({@link LoglikelihoodRequest});
 * {@code acc} picks the largest sum, {@code acc_norm} the largest sum divided by the choice text's
 * length in characters (Unicode code points, as Python's {@code len}; without the joining space).
 * Ties go to the first choice (numpy argmax).
 *
 * <p>All (item, choice) requests are sorted by length, longest first, and scored in batches through
 * {@link Scorer} (right padding with an attention mask), then put back in order.
 */
public final class MultipleChoiceTask {

    private MultipleChoiceTask() {}

    /**
     * One item's outcome.
     *
     * @param chosen the choice {@code acc} picks
     * @param chosenNorm the choice {@code acc_norm} picks
     * @param logLikelihoods summed continuation log-probability per choice
     * @param continuationTokens how many tokens each choice's continuation has
     */
    public record ItemResult(
            String id, int gold, int chosen, int chosenNorm, double[] logLikelihoods, int[] continuationTokens) {
        public boolean correct() {
            return chosen == gold;
        }

        public boolean correctNorm() {
            return chosenNorm == gold;
        }
    }

    /** The run over a benchmark: acc, acc_norm, their standard errors and every item. */
    public record Run(String benchmark, PromptStyle style, List<ItemResult> items) implements TaskRun {

        public double acc() {
            return Stats.mean(units(true));
        }

        public double accNorm() {
            return Stats.mean(units(false));
        }

        private double[] units(boolean plain) {
            return items.stream()
                    .mapToDouble(i -> (plain ? i.correct() : i.correctNorm()) ? 1 : 0)
                    .toArray();
        }

        @Override
        public List<Metric> headline() {
            return List.of(Metric.mean("acc", units(true), true), Metric.mean("acc_norm", units(false), true));
        }

        @Override
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (Metric h : headline()) {
                m.put(h.name(), h.value());
                m.put(h.name() + "_stderr", h.stderr());
            }
            m.put("n", (double) items.size());
            return m;
        }

        @Override
        public Object details() {
            return items;
        }
    }

    /** Scores every item of {@code benchmark} (already limited) with {@code batchSize} sequences per forward. */
    public static Run run(EvalModel model, Benchmark benchmark, int batchSize) {
        DjlRuntime.inferenceMode();
        TextTokenizer tok = model.tokenizer();
        PromptStyle style = benchmark.style();
        List<LoglikelihoodRequest> requests = new ArrayList<>();
        for (MultipleChoiceItem item : benchmark.items()) {
            String context = style.context(item, benchmark.subject());
            for (String continuation : style.continuations(item)) {
                requests.add(LoglikelihoodRequest.encode(tok, context, continuation));
            }
        }
        double[] ll = score(new Scorer(model.model()), requests, batchSize);
        List<ItemResult> results = new ArrayList<>();
        int r = 0;
        for (MultipleChoiceItem item : benchmark.items()) {
            List<String> texts = style.choiceTexts(item);
            int k = texts.size();
            double[] sums = new double[k];
            double[] normalized = new double[k];
            int[] tokens = new int[k];
            for (int c = 0; c < k; c++, r++) {
                sums[c] = ll[r];
                tokens[c] = requests.get(r).continuation().length;
                String t = texts.get(c);
                normalized[c] = sums[c] / t.codePointCount(0, t.length());
            }
            results.add(
                    new ItemResult(item.id(), item.gold(), Stats.argmax(sums), Stats.argmax(normalized), sums, tokens));
        }
        return new Run(benchmark.name(), style, results);
    }

    /** Summed log-likelihood per request, in request order; batches of similar length. */
    static double[] score(Scorer scorer, List<LoglikelihoodRequest> requests, int batchSize) {
        int[] order = IntStream.range(0, requests.size())
                .boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -requests.get(i).length()))
                .mapToInt(Integer::intValue)
                .toArray();
        double[] out = new double[requests.size()];
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            List<int[]> contexts = new ArrayList<>();
            List<int[]> continuations = new ArrayList<>();
            for (int j = start; j < end; j++) {
                contexts.add(requests.get(order[j]).context());
                continuations.add(requests.get(order[j]).continuation());
            }
            List<Scorer.Score> scores = scorer.score(contexts, continuations, batchSize);
            for (int j = start; j < end; j++) {
                out[order[j]] = scores.get(j - start).logLikelihood();
            }
        }
        return out;
    }
}

package org.lorapipe.model.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaModel;

/**
 * Log-likelihood scoring for evaluation: summed log-probability of a continuation given a context
 * (multiple choice, lm-evaluation-harness style), per-token log-probabilities, and perplexity of a
 * token stream. Requests are batched with right padding and an attention mask; the head, log-softmax
 * and the gather of target tokens run on the device and only at the scored positions, and only their
 * log-probs come back to Java.
 */
public final class Scorer {

    private final LlamaModel model;

    public Scorer(LlamaModel model) {
        this.model = model;
    }

    /**
     * The score of one continuation.
     *
     * @param logLikelihood sum of log p(token | everything before it) over the continuation tokens
     * @param greedy every continuation token is the argmax of its distribution
     * @param tokenLogProbs log-probability of each continuation token
     */
    public record Score(double logLikelihood, boolean greedy, float[] tokenLogProbs) {}

    /** Perplexity of a token stream: exp(nll / tokens). */
    public record Perplexity(double negativeLogLikelihood, long tokens, double perplexity) {}

    /**
     * Scores {@code continuations[i]} after {@code contexts[i]} (the context should start with BOS and
     * must not be empty). Sequences longer than max_position_embeddings keep their last tokens.
     */
    public List<Score> score(List<int[]> contexts, List<int[]> continuations, int batchSize) {
        if (contexts.size() != continuations.size()) {
            throw new IllegalArgumentException(
                    contexts.size() + " contexts but " + continuations.size() + " continuations");
        }
        List<int[]> inputs = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        int[] scored = new int[contexts.size()];
        for (int i = 0; i < contexts.size(); i++) {
            int[] ctx = contexts.get(i);
            int[] cont = continuations.get(i);
            if (ctx.length == 0) {
                throw new IllegalArgumentException("context " + i + " is empty; start it with the BOS token");
            }
            int[] seq = concat(ctx, cont);
            int max = model.config().maxPositionEmbeddings() + 1;
            if (seq.length > max) {
                seq = Arrays.copyOfRange(seq, seq.length - max, seq.length);
            }
            inputs.add(Arrays.copyOf(seq, seq.length - 1));
            targets.add(Arrays.copyOfRange(seq, 1, seq.length));
            scored[i] = Math.min(cont.length, seq.length - 1);
        }
        List<Score> out = new ArrayList<>();
        for (int start = 0; start < inputs.size(); start += batchSize) {
            int end = Math.min(inputs.size(), start + batchSize);
            int[] from = new int[end - start];
            for (int i = start; i < end; i++) {
                from[i - start] = targets.get(i).length - scored[i]; // only the continuation is scored
            }
            float[][][] lpAndHit = logProbs(inputs.subList(start, end), targets.subList(start, end), from);
            for (int i = start; i < end; i++) {
                float[] tail = lpAndHit[0][i - start];
                float[] hit = lpAndHit[1][i - start];
                double sum = 0;
                boolean greedy = true;
                for (int t = 0; t < tail.length; t++) {
                    sum += tail[t];
                    greedy &= hit[t] > 0.5f;
                }
                out.add(new Score(sum, greedy, tail));
            }
        }
        return out;
    }

    /** Summed log-likelihoods only. */
    public double[] logLikelihoods(List<int[]> contexts, List<int[]> continuations, int batchSize) {
        return score(contexts, continuations, batchSize).stream()
                .mapToDouble(Score::logLikelihood)
                .toArray();
    }

    /** log p(tokens[i] | tokens[..i]) for i = 1..n-1 (length n - 1); n must fit in the context. */
    public float[] tokenLogProbs(int[] tokens) {
        if (tokens.length < 2) {
            return new float[0];
        }
        return logProbs(
                List.of(Arrays.copyOf(tokens, tokens.length - 1)),
                List.of(Arrays.copyOfRange(tokens, 1, tokens.length)),
                new int[1])[0][0];
    }

    /**
     * Perplexity over a long stream, in windows of {@code window} tokens overlapping by one, so every
     * token after the first is predicted exactly once (with up to window - 1 tokens of context).
     */
    public Perplexity perplexity(int[] tokens, int window, int batchSize) {
        int w = Math.min(window, model.config().maxPositionEmbeddings() + 1);
        if (w < 2) {
            throw new IllegalArgumentException("window must be >= 2");
        }
        List<int[]> inputs = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        for (int s = 0; s + 1 < tokens.length; s += w - 1) {
            int e = Math.min(tokens.length, s + w);
            inputs.add(Arrays.copyOfRange(tokens, s, e - 1));
            targets.add(Arrays.copyOfRange(tokens, s + 1, e));
        }
        double nll = 0;
        long count = 0;
        for (int start = 0; start < inputs.size(); start += batchSize) {
            int end = Math.min(inputs.size(), start + batchSize);
            float[][] lp = logProbs(inputs.subList(start, end), targets.subList(start, end), new int[end - start])[0];
            for (int i = 0; i < lp.length; i++) {
                for (int t = 0; t < targets.get(start + i).length; t++) {
                    nll -= lp[i][t];
                    count++;
                }
            }
        }
        return new Perplexity(nll, count, count == 0 ? Double.NaN : Math.exp(nll / count));
    }

    /**
     * One batched forward, read from position {@code from[i]} of each row on: the head and the
     * log-softmax run only on those positions (padding and unscored context never reach the
     * vocabulary). Returns [0] log p(target) and [1] 1/0 whether the target is the argmax, per row, for
     * positions from[i] .. length - 1.
     */
    private float[][][] logProbs(List<int[]> inputs, List<int[]> targets, int[] from) {
        DjlRuntime.inferenceMode();
        int b = inputs.size();
        int t = inputs.stream().mapToInt(a -> a.length).max().orElse(0);
        long[] ids = new long[b * t];
        float[] mask = new float[b * t];
        int k = 0;
        for (int i = 0; i < b; i++) {
            int[] in = inputs.get(i);
            for (int j = 0; j < in.length; j++) {
                ids[i * t + j] = in[j];
                mask[i * t + j] = 1f;
            }
            k += in.length - from[i];
        }
        long[] rows = new long[k]; // flattened positions b * T + t that are scored
        long[] tgt = new long[k];
        k = 0;
        for (int i = 0; i < b; i++) {
            for (int j = from[i]; j < inputs.get(i).length; j++) {
                rows[k] = (long) i * t + j;
                tgt[k++] = targets.get(i)[j];
            }
        }
        float[][][] out = new float[2][b][];
        if (k == 0) {
            for (int i = 0; i < b; i++) {
                out[0][i] = new float[0];
                out[1][i] = new float[0];
            }
            return out;
        }
        try (NDManager m = model.manager().newSubManager()) {
            NDArray idArr = m.create(ids).reshape(b, t); // [B, T]
            NDArray maskArr = m.create(mask).reshape(b, t); // [B, T]
            NDArray targetArr = m.create(tgt).reshape(k, 1); // [K, 1]
            NDArray logits = model.forwardRows(idArr, maskArr, m.create(rows)); // [K, V]
            float[] picked = logits.logSoftmax(1).gather(targetArr, 1).toFloatArray(); // [K, 1]
            float[] best = logits.argMax(1)
                    .toType(DataType.INT64, false)
                    .reshape(k, 1)
                    .eq(targetArr)
                    .toType(DataType.FLOAT32, false)
                    .toFloatArray(); // [K, 1]
            k = 0;
            for (int i = 0; i < b; i++) {
                int n = inputs.get(i).length - from[i];
                out[0][i] = Arrays.copyOfRange(picked, k, k + n);
                out[1][i] = Arrays.copyOfRange(best, k, k + n);
                k += n;
            }
            return out;
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

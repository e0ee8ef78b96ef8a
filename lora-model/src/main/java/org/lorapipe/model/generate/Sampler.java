package org.lorapipe.model.generate;

import java.util.Arrays;

/**
 * Picks the next token from logits exactly as llama2.c's run.c does (argmax; or temperature, softmax,
 * one xorshift coin, then multinomial or top-p), plus an optional top-k cut before top-p.
 */
public final class Sampler {

    private final float temperature;
    private final int topK;
    private final float topP;
    private long state;

    public Sampler(GenerationConfig config) {
        this.temperature = config.temperature();
        this.topK = config.topK();
        this.topP = config.topP();
        this.state = config.seed() == 0 ? 0x2545F4914F6CDD1DL : config.seed();
    }

    /** Samples from {@code logits} (modified in place). */
    public int sample(float[] logits) {
        if (temperature == 0f) {
            return argmax(logits);
        }
        for (int i = 0; i < logits.length; i++) {
            logits[i] /= temperature;
        }
        softmax(logits);
        float coin = randomF32();
        if (topK > 0 && topK < logits.length) {
            return sampleTopK(logits, coin);
        }
        if (topP <= 0 || topP >= 1) {
            return sampleMult(logits, coin);
        }
        return sampleTopP(logits, coin);
    }

    /** First index of the maximum, as run.c's sample_argmax. */
    public static int argmax(float[] p) {
        int best = 0;
        float max = p[0];
        for (int i = 1; i < p.length; i++) {
            if (p[i] > max) {
                max = p[i];
                best = i;
            }
        }
        return best;
    }

    static void softmax(float[] x) {
        float max = x[0];
        for (int i = 1; i < x.length; i++) {
            if (x[i] > max) {
                max = x[i];
            }
        }
        float sum = 0f;
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.exp(x[i] - max);
            sum += x[i];
        }
        for (int i = 0; i < x.length; i++) {
            x[i] /= sum;
        }
    }

    private static int sampleMult(float[] p, float coin) {
        float cdf = 0f;
        for (int i = 0; i < p.length; i++) {
            cdf += p[i];
            if (coin < cdf) {
                return i;
            }
        }
        return p.length - 1;
    }

    /** run.c's sample_topp: drop tokens under (1 - p) / (n - 1), sort descending, cut at mass p. */
    private int sampleTopP(float[] p, float coin) {
        int n = p.length;
        float cutoff = (1.0f - topP) / (n - 1);
        int n0 = 0;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            if (p[i] >= cutoff) {
                keys[n0++] = sortKey(p[i], i);
            }
        }
        return fromSorted(p, Arrays.copyOf(keys, n0), topP, coin);
    }

    private int sampleTopK(float[] p, float coin) {
        long[] keys = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            keys[i] = sortKey(p[i], i);
        }
        Arrays.sort(keys);
        long[] top = Arrays.copyOf(keys, topK);
        float mass = 0f;
        for (long k : top) {
            mass += p[index(k)];
        }
        float[] q = p.clone();
        for (long k : top) {
            q[index(k)] = p[index(k)] / mass;
        }
        float limit = topP > 0 && topP < 1 ? topP : 1.1f;
        return fromSorted(q, top, limit, coin);
    }

    /** Walks candidates in descending probability, truncated once cumulative mass exceeds {@code limit}. */
    private static int fromSorted(float[] p, long[] keys, float limit, float coin) {
        Arrays.sort(keys);
        float cumulative = 0f;
        int last = keys.length - 1;
        for (int i = 0; i < keys.length; i++) {
            cumulative += p[index(keys[i])];
            if (cumulative > limit) {
                last = i;
                break;
            }
        }
        float r = coin * cumulative;
        float cdf = 0f;
        for (int i = 0; i <= last; i++) {
            cdf += p[index(keys[i])];
            if (r < cdf) {
                return index(keys[i]);
            }
        }
        return index(keys[last]);
    }

    /** Sorting ascending by this key orders probabilities descending (ties: lower index first). */
    private static long sortKey(float prob, int index) {
        long bits = Float.floatToIntBits(prob); // probabilities are >= 0: bits order like values
        return ((~bits & 0xFFFFFFFFL) << 32) | index;
    }

    private static int index(long key) {
        return (int) (key & 0xFFFFFFFFL);
    }

    /** run.c's xorshift random_u32 / random_f32. */
    float randomF32() {
        state ^= state >>> 12;
        state ^= state << 25;
        state ^= state >>> 27;
        int u32 = (int) ((state * 0x2545F4914F6CDD1DL) >>> 32);
        return (u32 >>> 8) / 16777216.0f;
    }
}

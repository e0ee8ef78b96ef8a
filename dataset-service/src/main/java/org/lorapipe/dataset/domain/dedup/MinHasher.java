package org.lorapipe.dataset.domain.dedup;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * MinHash signatures of a text's character 5-gram shingles (lower-cased, whitespace folded). Character
 * shingles keep short records comparable: changing one word of a 300-character answer changes about a
 * tenth of its shingles, so its estimated Jaccard similarity stays near 0.9.
 *
 * <p>Each of the {@value #PERMUTATIONS} hash functions is {@code (a * x + b) >>> 32} over the shingle's
 * 64-bit hash, with odd {@code a}: a cheap universal family, fixed by a seed so signatures are stable.
 */
public final class MinHasher {
    public static final int PERMUTATIONS = 128;
    static final int SHINGLE = 5;

    private final long[] a = new long[PERMUTATIONS];
    private final long[] b = new long[PERMUTATIONS];

    public MinHasher() {
        SplittableRandom random = new SplittableRandom(0x5eed_1dea_f00dL);
        for (int i = 0; i < PERMUTATIONS; i++) {
            a[i] = random.nextLong() | 1L;
            b[i] = random.nextLong();
        }
    }

    /** The signature of {@code text}: {@value #PERMUTATIONS} minima. */
    public int[] signature(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
        int[] sig = new int[PERMUTATIONS];
        java.util.Arrays.fill(sig, Integer.MAX_VALUE);
        if (s.isEmpty()) {
            return sig;
        }
        int shingles = Math.max(1, s.length() - SHINGLE + 1);
        for (int start = 0; start < shingles; start++) {
            long x = shingleHash(s, start, Math.min(s.length(), start + SHINGLE));
            for (int i = 0; i < PERMUTATIONS; i++) {
                int v = (int) ((a[i] * x + b[i]) >>> 33);
                if (v < sig[i]) {
                    sig[i] = v;
                }
            }
        }
        return sig;
    }

    private static long shingleHash(String s, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return ExactDuplicates.mix(h);
    }

    /** The share of equal positions: an unbiased estimate of the Jaccard similarity of the shingle sets. */
    public static double similarity(int[] x, int[] y) {
        int same = 0;
        for (int i = 0; i < x.length; i++) {
            same += x[i] == y[i] ? 1 : 0;
        }
        return same / (double) x.length;
    }
}

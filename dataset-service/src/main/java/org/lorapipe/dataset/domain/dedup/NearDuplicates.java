package org.lorapipe.dataset.domain.dedup;

/**
 * Near-duplicate detection with MinHash and locality-sensitive hashing. The 128-value signature is cut
 * into {@value #BANDS} bands of {@value #ROWS} rows; two records become candidates when any band matches
 * (probability 1 - (1 - J^8)^16: 0.99 at J = 0.85, 0.2 at J = 0.5), and a candidate is a duplicate when
 * the signatures' estimated similarity reaches the threshold. The first record of a cluster is kept.
 *
 * <p>Memory per kept record: 16 band entries of 12 bytes in a primitive table on the heap, plus its
 * 512-byte signature in a memory-mapped file ({@link SignatureStore}).
 */
public final class NearDuplicates implements AutoCloseable {
    static final int BANDS = 16;
    static final int ROWS = MinHasher.PERMUTATIONS / BANDS;

    private final double threshold;
    private final MinHasher hasher = new MinHasher();
    private final SignatureStore signatures = new SignatureStore();
    private final LongIntMultiMap buckets = new LongIntMultiMap();

    public NearDuplicates(double threshold) {
        this.threshold = threshold;
    }

    /** True when {@code text} is a near duplicate of a record seen before; otherwise remembers it. */
    public boolean isDuplicateElseAdd(String text) {
        int[] sig = hasher.signature(text);
        long[] keys = new long[BANDS];
        for (int band = 0; band < BANDS; band++) {
            long h = 0x9E3779B97F4A7C15L * (band + 1);
            for (int r = 0; r < ROWS; r++) {
                h = ExactDuplicates.mix(h ^ sig[band * ROWS + r]);
            }
            keys[band] = h;
            boolean[] duplicate = {false};
            buckets.forEach(h, ordinal -> {
                if (!duplicate[0] && MinHasher.similarity(sig, signatures.get(ordinal)) >= threshold) {
                    duplicate[0] = true;
                }
            });
            if (duplicate[0]) {
                return true;
            }
        }
        int ordinal = signatures.add(sig);
        for (long key : keys) {
            buckets.put(key, ordinal);
        }
        return false;
    }

    @Override
    public void close() {
        signatures.close();
    }
}

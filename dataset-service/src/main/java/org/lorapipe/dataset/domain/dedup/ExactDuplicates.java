package org.lorapipe.dataset.domain.dedup;

/**
 * The 128-bit content hashes seen so far, in an open-addressing table of primitive longs: 16 bytes per
 * record (32 at the 50% load it keeps), so tens of millions of records fit in a modest heap.
 */
public final class ExactDuplicates {
    private long[] highs = new long[1 << 10];
    private long[] lows = new long[1 << 10];
    private boolean[] used = new boolean[1 << 10];
    private int size;

    /** Records {@code h}; false when it was seen before (a duplicate). */
    public boolean add(ContentHash h) {
        if (size * 2 >= used.length) {
            grow();
        }
        return insert(h.high(), h.low());
    }

    public int size() {
        return size;
    }

    private boolean insert(long high, long low) {
        int mask = used.length - 1;
        int i = (int) (mix(high ^ low) & mask);
        while (used[i]) {
            if (highs[i] == high && lows[i] == low) {
                return false;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        highs[i] = high;
        lows[i] = low;
        size++;
        return true;
    }

    private void grow() {
        long[] oldHighs = highs;
        long[] oldLows = lows;
        boolean[] oldUsed = used;
        highs = new long[oldUsed.length * 2];
        lows = new long[oldUsed.length * 2];
        used = new boolean[oldUsed.length * 2];
        size = 0;
        for (int i = 0; i < oldUsed.length; i++) {
            if (oldUsed[i]) {
                insert(oldHighs[i], oldLows[i]);
            }
        }
    }

    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}

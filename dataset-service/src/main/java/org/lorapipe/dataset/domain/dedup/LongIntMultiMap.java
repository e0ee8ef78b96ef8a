package org.lorapipe.dataset.domain.dedup;

import java.util.function.IntConsumer;

/** A multi-map from long keys to int values in primitive arrays with linear probing (no boxing). */
final class LongIntMultiMap {
    private long[] keys = new long[1 << 12];
    private int[] values = new int[1 << 12];
    private boolean[] used = new boolean[1 << 12];
    private int size;

    void put(long key, int value) {
        if (size * 2 >= used.length) {
            grow();
        }
        int mask = used.length - 1;
        int i = (int) (ExactDuplicates.mix(key) & mask);
        while (used[i]) {
            if (keys[i] == key && values[i] == value) {
                return;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = key;
        values[i] = value;
        size++;
    }

    void forEach(long key, IntConsumer action) {
        int mask = used.length - 1;
        int i = (int) (ExactDuplicates.mix(key) & mask);
        while (used[i]) {
            if (keys[i] == key) {
                action.accept(values[i]);
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        boolean[] oldUsed = used;
        keys = new long[oldUsed.length * 2];
        values = new int[oldUsed.length * 2];
        used = new boolean[oldUsed.length * 2];
        size = 0;
        for (int i = 0; i < oldUsed.length; i++) {
            if (oldUsed[i]) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}

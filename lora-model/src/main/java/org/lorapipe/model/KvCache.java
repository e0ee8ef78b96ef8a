package org.lorapipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Keys and values of every layer for the tokens seen so far, so generation computes each new token
 * in O(T) instead of re-running the whole sequence. Owns its arrays; close it when done.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys; // per layer [B, nkv, Tpast, hs]
    private final NDArray[] values; // per layer [B, nkv, Tpast, hs]
    private NDArray ids; // [B, Tpast] int64, the tokens seen, to rebuild the cache (see LlamaModel)
    private int length;

    KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Tokens cached so far (the position of the next token). */
    public int length() {
        return length;
    }

    /**
     * Appends this step's keys/values of one layer and returns the full [B, nkv, Tpast + T, hs] pair,
     * owned by the cache.
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        keys[layer] = extend(keys[layer], k);
        values[layer] = extend(values[layer], v);
        return new NDArray[] {keys[layer], values[layer]};
    }

    private NDArray extend(NDArray old, NDArray step) {
        if (old == null) {
            NDArray copy = step.duplicate();
            copy.attach(manager);
            return copy;
        }
        NDArray joined = old.concat(step, 2); // first operand is cache-owned: joined stays in the cache
        old.close();
        return joined;
    }

    /** Called once per forward step after every layer appended, with that step's ids [B, T]. */
    void advance(NDArray stepIds) {
        NDArray copy = stepIds.toType(DataType.INT64, true);
        copy.attach(manager);
        if (ids == null) {
            ids = copy;
        } else {
            NDArray joined = ids.concat(copy, 1); // first operand is cache-owned: joined stays in the cache
            ids.close();
            copy.close();
            ids = joined;
        }
        length += (int) stepIds.getShape().get(1);
    }

    /** The tokens seen so far [B, Tpast], or null when empty; owned by the cache. */
    NDArray ids() {
        return ids;
    }

    /** Forgets every key, value and token: the next step starts at position 0. */
    void clear() {
        for (int l = 0; l < keys.length; l++) {
            closeQuietly(keys[l]);
            closeQuietly(values[l]);
            keys[l] = null;
            values[l] = null;
        }
        closeQuietly(ids);
        ids = null;
        length = 0;
    }

    private static void closeQuietly(NDArray a) {
        if (a != null) {
            a.close();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}

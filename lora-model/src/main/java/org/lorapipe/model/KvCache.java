package org.lorapipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every layer for the tokens seen so far, so generation computes each new token
 * in O(T) instead of re-running the whole sequence. Owns its arrays; close it when done.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys; // per layer [B, nkv, Tpast, hs]
    private final NDArray[] values; // per layer [B, nkv, Tpast, hs]
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

    /** Called once per forward step after every layer appended. */
    void advance(int tokens) {
        length += tokens;
    }

    @Override
    public void close() {
        manager.close();
    }
}

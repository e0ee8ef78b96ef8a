package org.lorapipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Position ids and the additive attention mask of one forward step.
 *
 * <p>Query i (absolute position q = past + i) may attend key j iff j <= q (causal), key j is not
 * padding and, with a sliding window W (Mistral), q - j < W: itself and the W - 1 keys before it (as
 * transformers' sliding-window mask does). With a padding mask, positions count real tokens only (cumsum(mask) - 1, as Hugging Face
 * does), so a left-padded row sees the same positions as the unpadded sequence.
 *
 * @param positions [B, T] float32
 * @param additive [B|1, 1, T, Tk] with 0 (allowed) or {@link #BLOCKED}, or null when nothing is masked
 */
public record AttentionMask(NDArray positions, NDArray additive) {

    /** Large but finite, so a row with every key masked stays finite instead of NaN. */
    public static final float BLOCKED = -1e30f;

    /**
     * @param m manager for the results (the step's activation manager)
     * @param batch B
     * @param length T, new tokens this step
     * @param past tokens already in the KV cache
     * @param keyMask [B, past + T] with 1 for real tokens and 0 for padding, or null
     */
    public static AttentionMask build(NDManager m, long batch, long length, long past, NDArray keyMask) {
        return build(m, batch, length, past, keyMask, 0);
    }

    /** As {@link #build(NDManager, long, long, long, NDArray)} with a sliding window of {@code window} keys (0: none). */
    public static AttentionMask build(NDManager m, long batch, long length, long past, NDArray keyMask, int window) {
        long total = past + length;
        NDArray positions;
        NDArray keysOk = null; // [B, 1, 1, Tk]
        if (keyMask == null) {
            positions =
                    m.arange((float) past, (float) total, 1f, DataType.FLOAT32).reshape(1, length); // [1, T]
            positions = positions.repeat(0, batch); // [B, T]
        } else {
            if (keyMask.getShape().dimension() != 2
                    || keyMask.getShape().get(0) != batch
                    || keyMask.getShape().get(1) != total) {
                throw new IllegalArgumentException("attention mask must be [B, past + T] = [" + batch + ", " + total
                        + "], got " + keyMask.getShape());
            }
            NDArray km = keyMask.toType(DataType.FLOAT32, true);
            km.attach(m);
            NDArray pos = km.cumSum(1).sub(1f).maximum(0f); // [B, Tk]
            positions = pos.get(new NDIndex(":, " + past + ":")); // [B, T]
            keysOk = km.reshape(batch, 1, 1, total); // [B, 1, 1, Tk]
        }
        if (length == 1 && keysOk == null && (window == 0 || total <= window)) {
            return new AttentionMask(positions, null); // one new query sees every cached key
        }
        NDArray q = m.arange((float) past, (float) total, 1f, DataType.FLOAT32).reshape(length, 1); // [T, 1]
        NDArray k = m.arange(0f, (float) total, 1f, DataType.FLOAT32).reshape(1, total); // [1, Tk]
        NDArray causal = k.lte(q); // [T, Tk]
        if (window > 0) {
            causal = causal.logicalAnd(k.gt(q.sub((float) window))); // q - j < W
        }
        NDArray allowed = causal.toType(DataType.FLOAT32, false).reshape(new Shape(1, 1, length, total)); // [1,1,T,Tk]
        if (keysOk != null) {
            allowed = allowed.mul(keysOk); // [B, 1, T, Tk]
        }
        NDArray additive = allowed.sub(1f).mul(-BLOCKED); // 0 where allowed, BLOCKED elsewhere
        return new AttentionMask(positions, additive);
    }
}

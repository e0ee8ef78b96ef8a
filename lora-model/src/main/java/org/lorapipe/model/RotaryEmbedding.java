package org.lorapipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Rotary position embeddings in the Hugging Face "rotate half" convention: dimension j of a head is
 * paired with j + hs/2 and rotated by angle pos * theta^(-2j/hs).
 *
 * <pre>
 *   rope(x) = x * cos + rotate_half(x) * sin,   rotate_half([x1, x2]) = [-x2, x1]
 * </pre>
 *
 * (llama2.c pairs adjacent dimensions instead; its checkpoints are converted on load by permuting the
 * rows of wq and wk, see {@link org.lorapipe.model.io.Llama2cCheckpoint}.)
 */
public final class RotaryEmbedding {

    private final int headDim;
    private final NDArray invFreq; // [hs/2]

    public RotaryEmbedding(NDManager weights, int headDim, double theta) {
        this.headDim = headDim;
        float[] f = new float[headDim / 2];
        for (int j = 0; j < f.length; j++) {
            // run.c: 1.0f / powf(theta, head_dim / (float) head_size) with head_dim = 2j, in float
            f[j] = 1.0f / (float) Math.pow(theta, (float) (2 * j) / (float) headDim);
        }
        this.invFreq = weights.create(f);
    }

    /**
     * cos and sin for the given positions, shaped to broadcast over heads.
     *
     * @param positions [B, T] float32 positions
     * @return [cos, sin], each [B, 1, T, hs]
     */
    public NDList cosSin(NDArray positions) {
        NDArray angles = positions.expandDims(2).mul(invFreq); // [B, T, hs/2]
        NDArray full = angles.concat(angles, 2); // [B, T, hs]
        return new NDList(full.cos().expandDims(1), full.sin().expandDims(1)); // [B, 1, T, hs] x2
    }

    /** [B, h, T, hs] -> [B, h, T, hs]. */
    public NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        int half = headDim / 2;
        NDArray x1 = x.get(new NDIndex("..., :" + half)); // [B, h, T, hs/2]
        NDArray x2 = x.get(new NDIndex("..., " + half + ":")); // [B, h, T, hs/2]
        NDArray rotated = x2.neg().concat(x1, 3); // [B, h, T, hs]
        return x.mul(cos).add(rotated.mul(sin));
    }
}

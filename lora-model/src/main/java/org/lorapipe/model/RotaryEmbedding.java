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
 * rows of wq and wk, see {@link org.lorapipe.model.io.Llama2cCheckpoint}.) A config's {@code rope_scaling}
 * changes the frequencies (and for yarn scales cos and sin), see {@link RopeScaling}. With a
 * {@code partial_rotary_factor} (Phi-4 mini) only the first r = hs x factor dimensions of a head turn, as
 * Phi-3's {@code apply_rotary_pos_emb}: the pairs are j and j + r/2, the frequencies theta^(-2j/r), and
 * the other hs - r dimensions pass through.
 */
public final class RotaryEmbedding {

    private final int rotaryDim; // r: the dimensions of a head that turn (the whole head unless partial)
    private final double theta;
    private final RopeScaling scaling; // null: plain RoPE
    private final int maxPositionEmbeddings;
    private final double[] base; // [r/2] theta^(-2j/r), as run.c computes it (in float)
    private final NDArray invFreq; // [r/2] after scaling (dynamic, longrope: at lengths up to their threshold)

    /** Plain rotary embeddings, theta^(-2j/hs). */
    public RotaryEmbedding(NDManager weights, int headDim, double theta) {
        this(weights, headDim, theta, null, Integer.MAX_VALUE);
    }

    /** As the model's config says: theta, {@code rope_scaling} and the trained context length. */
    public RotaryEmbedding(NDManager weights, LlamaConfig config) {
        this(weights, config.rotaryDim(), config.ropeTheta(), config.ropeScaling(), config.maxPositionEmbeddings());
    }

    private RotaryEmbedding(
            NDManager weights, int rotaryDim, double theta, RopeScaling scaling, int maxPositionEmbeddings) {
        this.rotaryDim = rotaryDim;
        this.theta = theta;
        this.scaling = scaling;
        this.maxPositionEmbeddings = maxPositionEmbeddings;
        this.base = new double[rotaryDim / 2];
        for (int j = 0; j < base.length; j++) {
            // run.c: 1.0f / powf(theta, head_dim / (float) head_size) with head_dim = 2j, in float
            base[j] = 1.0f / (float) Math.pow(theta, (float) (2 * j) / (float) rotaryDim);
        }
        // the frequencies of inputs up to the threshold (dynamic: the trained context; longrope: its original one)
        this.invFreq = weights.create(floats(frequencies(1)));
    }

    /** The inverse frequencies for an input whose longest position + 1 is {@code seqLen}, [hs/2]. */
    double[] frequencies(int seqLen) {
        return scaling == null ? base.clone() : scaling.invFreq(base, rotaryDim, theta, maxPositionEmbeddings, seqLen);
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /**
     * cos and sin for the given positions, shaped to broadcast over heads.
     *
     * @param positions [B, T] float32 positions
     * @return [cos, sin], each [B, 1, T, r]
     */
    public NDList cosSin(NDArray positions) {
        NDArray freq = invFreq;
        if (scaling != null && scaling.dependsOnLength()) {
            // dynamic NTK and longrope: the frequencies follow the input's length once it exceeds a threshold
            // (transformers caches the longest seen; computed per input here)
            int seqLen = (int) positions.max().getFloat() + 1;
            if (seqLen > scaling.lengthThreshold(maxPositionEmbeddings)) {
                freq = positions.getManager().create(floats(frequencies(seqLen)));
            }
        }
        NDArray angles = positions.expandDims(2).mul(freq); // [B, T, r/2]
        NDArray full = angles.concat(angles, 2); // [B, T, r]
        NDArray cos = full.cos().expandDims(1); // [B, 1, T, r]
        NDArray sin = full.sin().expandDims(1); // [B, 1, T, r]
        if (scaling != null && scaling.cosSinScale() != 1.0) {
            float scale = (float) scaling.cosSinScale(); // yarn's and longrope's attention factor
            cos = cos.mul(scale);
            sin = sin.mul(scale);
        }
        return new NDList(cos, sin);
    }

    /** Whether keys rotated for {@code cachedLength} positions stay valid up to {@code length} (see {@link RopeScaling}). */
    public boolean keepsCachedKeys(int cachedLength, int length) {
        return scaling == null || scaling.keepsCachedKeys(cachedLength, length);
    }

    /** [B, h, T, hs] -> [B, h, T, hs]: the first r dimensions turned, the rest as they are. */
    public NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        long hs = x.getShape().get(3);
        if (rotaryDim == hs) {
            return rotate(x, cos, sin);
        }
        NDArray turned = rotate(x.get(new NDIndex("..., :" + rotaryDim)), cos, sin); // [B, h, T, r]
        return turned.concat(x.get(new NDIndex("..., " + rotaryDim + ":")), 3); // [B, h, T, hs]
    }

    /** x * cos + rotate_half(x) * sin over [B, h, T, r]. */
    private NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        int half = rotaryDim / 2;
        NDArray x1 = x.get(new NDIndex("..., :" + half)); // [B, h, T, r/2]
        NDArray x2 = x.get(new NDIndex("..., " + half + ":")); // [B, h, T, r/2]
        NDArray rotated = x2.neg().concat(x1, 3); // [B, h, T, r]
        return x.mul(cos).add(rotated.mul(sin));
    }
}

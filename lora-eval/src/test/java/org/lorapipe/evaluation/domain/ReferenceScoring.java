package org.lorapipe.evaluation.domain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.lorapipe.model.LlamaModel;

/**
 * An independent reference for the tests: one sequence at a time through the plain forward pass, no
 * batching, no padding, log-softmax in double precision in Java.
 */
final class ReferenceScoring {

    private ReferenceScoring() {}

    /** Logits [T][V] of one unpadded sequence. */
    static float[][] logits(LlamaModel model, int[] ids) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray input = m.create(ids).reshape(1, ids.length);
            float[] flat = model.forward(input, null, null).toFloatArray();
            int v = flat.length / ids.length;
            float[][] out = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                out[t] = Arrays.copyOfRange(flat, t * v, (t + 1) * v);
            }
            return out;
        }
    }

    /** log softmax(row)[target], in double. */
    static double logProb(float[] row, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : row) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (float x : row) {
            sum += Math.exp(x - max);
        }
        return row[target] - max - Math.log(sum);
    }
}

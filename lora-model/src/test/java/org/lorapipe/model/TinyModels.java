package org.lorapipe.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** Small random configs and helpers for model unit tests. */
final class TinyModels {

    private TinyModels() {}

    /** D=32, 4 query heads sharing 2 kv heads (hs=8), 2 layers, V=50. */
    static LlamaConfig gqa() {
        return LlamaConfig.llama(32, 48, 2, 4, 2, 50, 64, false);
    }

    static LlamaModel random(LlamaConfig c, long seed) {
        return LlamaModel.random(c, seed, Device.cpu());
    }

    static NDArray ids(NDManager m, int[]... rows) {
        int t = rows[0].length;
        long[] flat = new long[rows.length * t];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < t; j++) {
                flat[i * t + j] = rows[i][j];
            }
        }
        return m.create(flat).reshape(rows.length, t);
    }

    static NDArray mask(NDManager m, int[]... rows) {
        int t = rows[0].length;
        float[] flat = new float[rows.length * t];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < t; j++) {
                flat[i * t + j] = rows[i][j];
            }
        }
        return m.create(flat).reshape(rows.length, t).toType(DataType.FLOAT32, false);
    }
}

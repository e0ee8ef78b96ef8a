package org.lorapipe.model.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorapipe.model.DjlRuntime;

/**
 * The fp32 matmul rate this engine reaches on this machine with the current thread count: the ceiling a
 * training step's achieved GFLOP/s is read against. Square [n, n] x [n, n] products, 2 n^3 FLOPs each,
 * the best of several timed rounds (a busy neighbour only ever makes a round slower).
 */
public final class MatmulPeak {

    private MatmulPeak() {}

    /** GFLOP/s of n x n fp32 matmuls, best of {@code rounds} rounds of {@code perRound} products. */
    public static double gflops(int n, int rounds, int perRound) {
        DjlRuntime.inferenceMode();
        try (NDManager m = DjlRuntime.newManager(DjlRuntime.defaultDevice())) {
            NDArray a = m.randomUniform(-1f, 1f, new Shape(n, n), DataType.FLOAT32); // [n, n]
            NDArray b = m.randomUniform(-1f, 1f, new Shape(n, n), DataType.FLOAT32); // [n, n]
            a.matMul(b).close(); // warm-up
            double best = Double.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    try (NDArray c = a.matMul(b)) { // [n, n]
                        c.getFloat(0, 0); // forces completion on every device
                    }
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e9 / perRound);
            }
            return 2.0 * n * n * (double) n / best / 1e9;
        }
    }

    /** The default measurement: 1024 x 1024, best of 5 rounds of 4 (about a second on one core). */
    public static double gflops() {
        return gflops(1024, 5, 4);
    }
}

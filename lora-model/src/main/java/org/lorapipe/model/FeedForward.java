package org.lorapipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** SwiGLU feed-forward: y = down(silu(gate(x)) * up(x)), silu(z) = z * sigmoid(z). */
final class FeedForward {

    private final LinearModules modules;
    private final String gate;
    private final String up;
    private final String down;

    FeedForward(LinearModules modules, String prefix) {
        this.modules = modules;
        this.gate = prefix + "gate_proj";
        this.up = prefix + "up_proj";
        this.down = prefix + "down_proj";
    }

    /** [B, T, D] -> [B, T, D]. */
    NDArray forward(NDArray x) {
        NDArray g = modules.get(gate).forward(x); // [B, T, H]
        NDArray u = modules.get(up).forward(x); // [B, T, H]
        NDArray h = g.mul(Activation.sigmoid(g)).mul(u); // [B, T, H]
        return modules.get(down).forward(h); // [B, T, D]
    }
}

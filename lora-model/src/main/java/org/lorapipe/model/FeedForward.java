package org.lorapipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import org.lorapipe.model.LayerOps.Output;

/**
 * Gated feed-forward: y = down(act(gate(x)) * up(x)).
 *
 * <pre>
 *   silu(z)              = z * sigmoid(z)                                   (Llama, Mistral, Qwen, Phi-3)
 *   gelu_pytorch_tanh(z) = z/2 * (1 + tanh(sqrt(2/pi) * (z + 0.044715 z^3)))   (Gemma 2)
 * </pre>
 *
 * Phi-3 fuses gate and up into one {@code gate_up_proj} whose output is [gate | up] (Phi3MLP's chunk).
 */
public final class FeedForward {

    private final String prefix;
    private final boolean fused;
    private final boolean gelu;
    private final int hidden;
    private final NDArray half; // [] 0.5, for gelu (else null); scalars are tensors (see Attention)
    private final NDArray one;
    private final NDArray cubic; // [] 0.044715
    private final NDArray sqrt2OverPi;

    FeedForward(LlamaConfig config, int layer, NDManager weights) {
        this.prefix = "model.layers." + layer + ".mlp.";
        this.fused = config.arch().fusedProjections();
        this.gelu = config.hiddenAct().equals("gelu_pytorch_tanh");
        this.hidden = config.intermediateSize();
        // GELU's constants only where it is used: a SiLU model holds none
        this.half = gelu ? weights.create(0.5f) : null;
        this.one = gelu ? weights.create(1f) : null;
        this.cubic = gelu ? weights.create(0.044715f) : null;
        this.sqrt2OverPi = gelu ? weights.create((float) Math.sqrt(2.0 / Math.PI)) : null;
    }

    /** The down projection's module name (its input is what {@link #gated} returns). */
    public String outputProjection() {
        return prefix + "down_proj";
    }

    /** act(gate(x)) * up(x): [B, T, D] (a projection input) -> [B, T, H], the input of down_proj. */
    public NDArray gated(NDArray x, LayerOps ops) {
        NDArray g;
        NDArray u;
        if (fused) {
            NDArray gu = ops.project(prefix + "gate_up_proj", x, Output.READ); // [B, T, 2H]
            g = gu.get(new NDIndex("..., :" + hidden)); // [B, T, H]
            u = gu.get(new NDIndex("..., " + hidden + ":")); // [B, T, H]
        } else {
            g = ops.project(prefix + "gate_proj", x, Output.READ); // [B, T, H]
            u = ops.project(prefix + "up_proj", x, Output.READ); // [B, T, H]
        }
        return activation(g).mul(u); // [B, T, H]
    }

    private NDArray activation(NDArray z) {
        if (!gelu) {
            return z.mul(Activation.sigmoid(z)); // silu
        }
        NDArray cube = z.mul(z).mul(z); // not pow(3): a Java exponent is unsafe under autograd
        NDArray inner = z.add(cube.mul(cubic)).mul(sqrt2OverPi); // [B, T, H]
        return z.mul(half).mul(inner.tanh().add(one));
    }
}

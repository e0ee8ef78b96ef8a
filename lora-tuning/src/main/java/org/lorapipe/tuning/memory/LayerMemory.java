package org.lorapipe.tuning.memory;

import java.util.List;
import org.lorapipe.model.Architecture;
import org.lorapipe.model.HeadLayout;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.tuning.lora.LoraTarget;

/**
 * What one decoder layer keeps for backward and creates on its way, in fp32 elements per token of the
 * micro-batch (the attention's probabilities count nh x T per token), following the code that computes
 * it: {@code DecoderLayer}, {@code Attention}, {@code FeedForward}, {@code RmsNorm}, {@code LoraLinear},
 * {@code Dropout} and {@code LayerTape}.
 *
 * <p>What autograd keeps is what PyTorch's derivative formulas need for the inputs that want a gradient:
 * a product with a frozen weight keeps the weight (held anyway), not its input; {@code x * mask} keeps
 * the mask; {@code A x} keeps x; softmax and sigmoid keep their output. Widths: D hidden, Q = nh hs
 * queries, K = nkv hs keys and values, H the MLP's hidden width, r an adapter's rank.
 */
final class LayerMemory {

    private final int d;
    private final int q;
    private final int k;
    private final int h;
    private final double scores; // nh x T: one row of attention probabilities per token
    private final Architecture arch;
    private final boolean silu;
    private final boolean softCap;
    private final boolean qkNorm;
    private final boolean narrowHeads;
    private final boolean dropout;
    private final List<LoraTarget> targets; // this layer's adapted modules

    LayerMemory(LlamaConfig c, int keys, boolean dropout, List<LoraTarget> targets) {
        this.d = c.hiddenSize();
        this.q = c.qDim();
        this.k = c.kvDim();
        this.h = c.intermediateSize();
        this.scores = (double) c.numAttentionHeads() * keys;
        this.arch = c.arch();
        this.silu = c.hiddenAct().equals("silu");
        this.softCap = c.attnLogitSoftcapping() > 0;
        this.qkNorm = c.qkNorm();
        this.narrowHeads = c.headDim() < HeadLayout.WIDE_HEAD;
        this.dropout = dropout;
        this.targets = List.copyOf(targets);
    }

    /** Elements per token this layer keeps for backward under {@code plan} (RECOMPUTED: the layer recorded whole). */
    double saved(BackwardPlan plan) {
        return switch (plan) {
            case FULL_GRAPH, RECOMPUTED -> graph() + adapterInputs(true);
            case FULL_WEIGHTS -> graph() + weightInputs();
            case TAPED -> taped() + adapterInputs(false);
        };
    }

    /**
     * One layer recorded as a graph over frozen weights: x and h (each norm's input, kept by x^2 and
     * x * rsqrt), the attention's operands (q rotated and scaled, k rotated, v; Phi-3's v is a slice
     * that keeps the fused qkv), the probabilities (and Gemma 2's tanh of the scores), the gated MLP
     * (SiLU: g, sigmoid(g), act, u; GELU-tanh: z, z^2, tanh, z/2, 1 + tanh, act, u), and the extra
     * norms of Qwen3 (q, k) and Gemma 2 (o, the MLP's output).
     */
    private double graph() {
        double v = arch.fusedProjections() ? q + 2.0 * k : k;
        double mlp = silu ? 4.0 * h : 7.0 * h;
        return 2.0 * d + q + k + v + probabilities() + mlp + extraNorms();
    }

    /**
     * A taped layer (QLoRA): its input x; the roots of its pieces n1, a, h, n2, m; every projection
     * output that is read rather than added into the residual stream, as a leaf (q, k, v, gate, up;
     * Gemma 2's o and down too); the attention operands and MLP products the pieces' graphs keep,
     * where an adapter's sum (base + delta) is a new tensor and otherwise the leaf itself is kept.
     */
    private double taped() {
        double roots = d + d + q + d + d + h; // x, n1, a, h, n2, m
        double leaves = q + 2.0 * k + 2.0 * h + (arch.sandwichNorms() ? 2.0 * d : 0);
        double vSum = arch.fusedProjections() ? (adapted("qkv_proj") ? q + 2.0 * k : 0) : (adapted("v_proj") ? k : 0);
        double attention = q + k + vSum + probabilities() + (qkNorm ? q + k : 0); // q scaled, k rotated
        double sums = arch.fusedProjections()
                ? (adapted("gate_up_proj") ? 2.0 * h : 0)
                : (adapted("gate_proj") ? h : 0) + (adapted("up_proj") ? h : 0);
        double mlp = (silu ? 2.0 * h : 5.0 * h) + sums; // sigmoid and act (GELU: z^2, tanh, z/2, 1 + tanh, act)
        return roots + leaves + attention + mlp;
    }

    /** Softmax output [nh, T] per token; Gemma 2's soft-capping keeps tanh(s / c) as well. */
    private double probabilities() {
        return softCap ? 2 * scores : scores;
    }

    /** Qwen3 normalises q and k per head (their inputs kept); Gemma 2 normalises o and the MLP output. */
    private double extraNorms() {
        return (qkNorm ? q + k : 0) + (arch.sandwichNorms() ? 2.0 * d : 0);
    }

    /**
     * What the adapters keep: per adapter with dropout its mask and the dropped input (x * mask keeps the
     * mask, A x keeps its input), and the rank-r activation B reads; without dropout A reads the
     * projection input itself, kept once per input a graph does not keep anyway (a tape keeps every
     * projection input as a piece root).
     */
    private double adapterInputs(boolean graph) {
        double sum = 0;
        for (LoraTarget t : targets) {
            sum += (dropout ? 2.0 * t.inFeatures() : 0) + t.rank();
        }
        if (!dropout && graph) {
            sum += (adaptedAny("q_proj", "k_proj", "v_proj", "qkv_proj") ? d : 0)
                    + (adapted("o_proj") ? q : 0)
                    + (adaptedAny("gate_proj", "up_proj", "gate_up_proj") ? d : 0)
                    + (adapted("down_proj") ? h : 0);
        }
        return sum;
    }

    /**
     * Full fine-tuning: every product also keeps its input for its weight's gradient (n1, a, n2, m) and
     * every norm its normalised input (x * rsqrt) for its gain's.
     */
    private double weightInputs() {
        int norms = arch.sandwichNorms() ? 4 : 2;
        return d + q + d + h + norms * (double) d + (qkNorm ? q + k : 0);
    }

    /**
     * Every tensor one layer's forward creates, all held in the layer's scope until it ends (a superset
     * of what it keeps): each norm's x^2, x * rsqrt and output; the projections' outputs; the rotary
     * embedding's pieces (x cos, the rotated half, rotated sin, the sum; q also scaled), the packed k^T
     * and v of narrow heads; the scores, masked scores and probabilities; the merged heads and their
     * contiguous copy; the residual sums; the MLP's products; each adapter's mask, dropped input, rank-r
     * activations, delta and sum.
     */
    double forward() {
        int norms = arch.sandwichNorms() ? 4 : 2;
        double projections = q + 2.0 * k + d + 2.0 * h + d;
        double rotary = 5.5 * q + 4.5 * k + (narrowHeads ? 2.0 * k : 0) + (qkNorm ? 3.0 * (q + k) : 0);
        double attention = (softCap ? 6 : 3) * scores + 2.0 * q;
        double mlp = silu ? 3.0 * h : 10.0 * h;
        double adapters = 0;
        for (LoraTarget t : targets) {
            adapters += (dropout ? 2.0 * t.inFeatures() : 0) + 2.0 * t.rank() + 2.0 * t.outFeatures();
        }
        return norms * 3.0 * d + projections + rotary + attention + 2.0 * d + mlp + adapters;
    }

    /** Gradients in flight while backward crosses the layer: the scores' two, the MLP's three, the residual's. */
    double backward() {
        return 2 * scores + 3.0 * h + 2.0 * d + q;
    }

    private boolean adapted(String shortName) {
        return targets.stream().anyMatch(t -> t.module().endsWith("." + shortName));
    }

    private boolean adaptedAny(String... shortNames) {
        for (String n : shortNames) {
            if (adapted(n)) {
                return true;
            }
        }
        return false;
    }
}

package org.lorapipe.tuning.bench;

import java.util.List;
import org.lorapipe.model.LlamaConfig;

/**
 * FLOPs of one training step per token, counted from the model's shape (the "model FLOPs" of MFU
 * figures: what the math needs, not what an implementation happens to do). One multiply-add = 2 FLOPs.
 *
 * <pre>
 *   per token and layer:  linear = D*(nh*hs) + 2*D*(nkv*hs) + (nh*hs)*D + 3*D*H    multiply-adds
 *                         attention = 2 * T * nh*hs      (q k^T and att v over all T keys, masked)
 *   forward   = 2 * (L*(linear + attention) + D*V + adapters)
 *   backward  = input gradients: 2 * (L*linear + D*V) + 2 * (2 * L*attention)  (both operands of q k^T, att v)
 *             + adapters' input and weight gradients: 4 * adapters
 *             + weight gradients of the base, for full fine-tuning only: 2 * (L*linear + D*V)
 * </pre>
 *
 * adapters = sum over adapted modules of r * (in + out). The embedding lookup costs no FLOPs.
 */
public final class StepFlops {

    private StepFlops() {}

    public static double perToken(LlamaConfig c, int seq, BenchConfig config) {
        double d = c.hiddenSize();
        double q = (double) c.numAttentionHeads() * c.headDim();
        double kv = (double) c.numKeyValueHeads() * c.headDim();
        double h = c.intermediateSize();
        double layers = c.numHiddenLayers();
        double linear = d * q + 2 * d * kv + q * d + 3 * d * h;
        double attention = 2.0 * seq * q;
        double head = d * c.vocabSize();
        double adapters = 0;
        if (config.mode() != BenchConfig.Mode.FULL) {
            int r = config.loraSpec().r();
            List<String> t = config.targets().equals(BenchConfig.ALL)
                    ? List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
                    : config.targets();
            double perLayer = 0;
            for (String module : t) {
                perLayer += switch (module) {
                    case "q_proj" -> r * (d + q);
                    case "k_proj", "v_proj" -> r * (d + kv);
                    case "o_proj" -> r * (q + d);
                    case "gate_proj", "up_proj", "down_proj" -> r * (d + h);
                    default -> 0;
                };
            }
            adapters = layers * perLayer;
        }
        double forward = 2 * (layers * (linear + attention) + head + adapters);
        double backward = 2 * (layers * linear + head) + 4 * layers * attention + 4 * adapters;
        if (config.mode() == BenchConfig.Mode.FULL) {
            backward += 2 * (layers * linear + head);
        }
        double recompute = config.checkpointing() ? 2 * layers * (linear + attention) + 2 * adapters : 0;
        return forward + backward + recompute;
    }
}

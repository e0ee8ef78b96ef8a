package org.lorapipe.tuning.optim;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.lorapipe.tuning.train.TrainableParameter;

/**
 * Global gradient-norm clipping as {@code torch.nn.utils.clip_grad_norm_}: total = sqrt(sum ||g||^2)
 * over every parameter; if total &gt; max, every gradient is scaled by max / (total + 1e-6).
 */
public final class GradClip {

    private GradClip() {}

    /** The global L2 norm of the accumulated gradients. */
    public static double norm(List<TrainableParameter> params) {
        double sq = 0;
        for (TrainableParameter p : params) {
            try (NDArray g = p.value().getGradient();
                    NDArray g2 = g.square();
                    NDArray s = g2.sum()) {
                sq += s.getFloat();
            }
        }
        return Math.sqrt(sq);
    }

    /** Clips in place when {@code maxNorm} &gt; 0; returns the norm before clipping. */
    public static double clip(List<TrainableParameter> params, double maxNorm) {
        double total = norm(params);
        if (maxNorm > 0 && total > maxNorm) {
            float coef = (float) (maxNorm / (total + 1e-6));
            for (TrainableParameter p : params) {
                try (NDArray g = p.value().getGradient()) {
                    g.muli(coef); // the handle shares the gradient's storage
                }
            }
        }
        return total;
    }
}

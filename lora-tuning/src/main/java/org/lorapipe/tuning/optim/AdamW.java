package org.lorapipe.tuning.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.lorapipe.tuning.train.TrainableParameter;

/**
 * AdamW (Loshchilov and Hutter), exactly as {@code torch.optim.AdamW} (amsgrad off), at step t:
 *
 * <pre>
 *   p  = p * (1 - lr * wd)                    decoupled weight decay
 *   m  = b1 m + (1 - b1) g
 *   v  = b2 v + (1 - b2) g^2
 *   p  = p - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * Two fp32 moments per trainable parameter.
 */
public final class AdamW extends StatefulOptimizer {

    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;

    private final double weightDecay;
    private final double beta1;
    private final double beta2;
    private final double eps;

    public AdamW(List<TrainableParameter> params, double weightDecay) {
        this(params, weightDecay, BETA1, BETA2, EPS);
    }

    public AdamW(List<TrainableParameter> params, double weightDecay, double beta1, double beta2, double eps) {
        super(params, List.of("exp_avg", "exp_avg_sq"));
        this.weightDecay = weightDecay;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    protected void update(int i, NDArray p, NDArray g, double lr, NDManager scope) {
        NDArray m = buffers.get("exp_avg")[i];
        NDArray v = buffers.get("exp_avg_sq")[i];
        if (weightDecay != 0) {
            p.muli((float) (1 - lr * weightDecay));
        }
        m.muli((float) beta1).addi(g.mul((float) (1 - beta1))); // g's temporaries live in scope
        v.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
        double bc1 = 1 - Math.pow(beta1, steps);
        double bc2 = 1 - Math.pow(beta2, steps);
        NDArray denom = scoped(v.sqrt(), scope).divi((float) Math.sqrt(bc2)).addi((float) eps);
        NDArray delta = scoped(m.div(denom), scope).muli((float) (lr / bc1));
        p.subi(delta);
    }
}

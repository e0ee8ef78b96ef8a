package org.lorapipe.tuning.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.lorapipe.tuning.train.TrainableParameter;

/**
 * SGD with momentum, exactly as {@code torch.optim.SGD} (dampening 0, no Nesterov):
 *
 * <pre>
 *   g   = g + wd * p                          (L2 weight decay, coupled as in PyTorch)
 *   buf = g at the first step, else momentum * buf + g
 *   p   = p - lr * buf
 * </pre>
 *
 * One fp32 buffer per trainable parameter (none when momentum is 0).
 */
public final class Sgd extends StatefulOptimizer {

    private final double momentum;
    private final double weightDecay;

    public Sgd(List<TrainableParameter> params, double momentum, double weightDecay) {
        super(params, momentum == 0 ? List.of() : List.of("momentum_buffer"));
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    protected void update(int i, NDArray p, NDArray g, double lr, NDManager scope) {
        NDArray d = g;
        if (weightDecay != 0) {
            d = g.add(scoped(p.mul((float) weightDecay), scope));
        }
        if (momentum != 0) {
            NDArray buf = buffers.get("momentum_buffer")[i];
            if (steps == 1) {
                buf.muli(0f).addi(d); // torch: buf = clone(d) at the first step
            } else {
                buf.muli((float) momentum).addi(d);
            }
            d = buf;
        }
        p.subi(scoped(d.mul((float) lr), scope));
    }
}

package org.lorapipe.merge.domain;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import org.lorapipe.model.LinearLayer;
import org.lorapipe.model.LlamaModel;

/**
 * A frozen linear layer with an (unmerged) LoRA branch, for inference only:
 *
 * <pre>
 *   y = base(x) + scale * (x A^T) B^T      // x [.., in], A [r, in], B [out, r], y [.., out]
 * </pre>
 *
 * The reference the merged model is checked against ({@link MergeVerification}).
 */
public final class LoraLinear implements LinearLayer {

    private final LinearLayer base;
    private final NDArray a; // [r, in]
    private final NDArray b; // [out, r]
    private final float scale;

    public LoraLinear(LinearLayer base, NDArray a, NDArray b, double scale) {
        if (a.getShape().get(1) != base.inFeatures() || b.getShape().get(0) != base.outFeatures()) {
            throw new IllegalArgumentException("LoRA A " + a.getShape() + " / B " + b.getShape()
                    + " do not fit a linear layer " + base.inFeatures() + " -> " + base.outFeatures());
        }
        this.base = base;
        this.a = a;
        this.b = b;
        this.scale = (float) scale;
    }

    /**
     * Wraps every module of {@code adapter} in {@code model} (A and B are loaded into the model's
     * manager and live as long as the model). Returns the number of wrapped modules.
     */
    public static int attach(LlamaModel model, PeftAdapterFile adapter) {
        int n = 0;
        for (AdapterModule m : adapter.modules().values()) {
            if (!model.linears().names().contains(m.module())) {
                throw new MergeException("the adapter targets module " + m.module()
                        + ", which the model does not have (modules look like "
                        + model.linears().names().stream().limit(4).toList() + ")");
            }
            NDArray a = adapter.loadA(m, model.manager());
            NDArray b = adapter.loadB(m, model.manager());
            model.linears().replace(m.module(), base -> new LoraLinear(base, a, b, m.scale()));
            n++;
        }
        return n;
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray y = base.forward(x); // [.., out]
        NDArray down = Linear.linear(x, a, null).singletonOrThrow(); // [.., r]
        NDArray up = Linear.linear(down, b, null).singletonOrThrow(); // [.., out]
        return y.add(up.muli(scale));
    }

    @Override
    public int inFeatures() {
        return base.inFeatures();
    }

    @Override
    public int outFeatures() {
        return base.outFeatures();
    }
}

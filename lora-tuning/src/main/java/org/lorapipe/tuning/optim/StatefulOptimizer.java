package org.lorapipe.tuning.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.tuning.train.Autograd;
import org.lorapipe.tuning.train.TrainableParameter;

/** Shared plumbing: per-parameter state buffers in an owned manager, gradient access and zeroing. */
abstract class StatefulOptimizer implements Optimizer {

    protected final List<TrainableParameter> params;
    protected final NDManager manager;
    protected final List<String> kinds;
    /** kind -> one buffer per parameter, same shape. */
    protected final Map<String, NDArray[]> buffers = new LinkedHashMap<>();

    protected long steps;

    StatefulOptimizer(List<TrainableParameter> params, List<String> kinds) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("nothing to optimize: no trainable parameters");
        }
        this.params = List.copyOf(params);
        this.kinds = List.copyOf(kinds);
        this.manager = params.get(0).value().getManager().newSubManager();
        for (String k : kinds) {
            NDArray[] b = new NDArray[params.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = manager.zeros(params.get(i).value().getShape());
            }
            buffers.put(k, b);
        }
    }

    @Override
    public final void step(double lr) {
        Autograd.off(); // in-place updates of leaves need recording off
        steps++;
        try (NDManager scope = manager.newSubManager()) {
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i).value();
                NDArray g = Autograd.gradientCopy(p);
                g.attach(scope);
                update(i, p, g, lr, scope);
                Autograd.zeroGradient(p);
            }
        }
    }

    /** Moves {@code x} (a temporary created by an op on a long-lived array) into {@code scope}. */
    protected static NDArray scoped(NDArray x, NDManager scope) {
        x.attach(scope);
        return x;
    }

    /** In-place update of {@code p} (recording is off) with gradient {@code g}; temporaries go to {@code scope}. */
    protected abstract void update(int index, NDArray p, NDArray g, double lr, NDManager scope);

    @Override
    public List<TrainableParameter> parameters() {
        return params;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public Map<String, float[]> exportState() {
        Map<String, float[]> out = new LinkedHashMap<>();
        buffers.forEach((k, arr) -> {
            for (int i = 0; i < arr.length; i++) {
                out.put(k + "." + params.get(i).name(), arr[i].toFloatArray());
            }
        });
        return out;
    }

    @Override
    public void importState(Map<String, float[]> state, long steps) {
        List<String> problems = new ArrayList<>();
        buffers.forEach((k, arr) -> {
            for (int i = 0; i < arr.length; i++) {
                String key = k + "." + params.get(i).name();
                float[] v = state.get(key);
                if (v == null || v.length != arr[i].getShape().size()) {
                    problems.add(key
                            + (v == null
                                    ? " missing"
                                    : " has " + v.length + " values, expected "
                                            + arr[i].getShape().size()));
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("optimizer state does not match the parameters: " + problems);
        }
        buffers.forEach((k, arr) -> {
            for (int i = 0; i < arr.length; i++) {
                NDArray fresh = manager.create(state.get(k + "." + params.get(i).name()), arr[i].getShape());
                arr[i].close();
                arr[i] = fresh;
            }
        });
        this.steps = steps;
    }

    @Override
    public long stateBytes() {
        long n = params.stream().mapToLong(TrainableParameter::size).sum();
        return n * 4 * kinds.size();
    }

    @Override
    public void close() {
        manager.close();
    }
}

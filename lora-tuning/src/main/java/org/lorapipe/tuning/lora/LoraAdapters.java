package org.lorapipe.tuning.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipe.model.LinearLayer;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.tuning.train.TrainableParameter;

/**
 * The LoRA adapters attached to one model: wraps every planned module in a {@link LoraLinear}, owns A
 * and B (in a sub-manager of the model's manager) and can detach itself, restoring the base modules.
 *
 * <p>Initialisation (PEFT {@code init_lora_weights=True}): A ~ U(-bound, bound) with Kaiming-uniform's
 * bound for a = sqrt(5), i.e. sqrt(6 / ((1 + a^2) fan_in)) = 1 / sqrt(in); B = 0, so B A = 0 and the
 * adapted model starts exactly equal to the base. Values come from one {@link SplittableRandom}
 * seeded with the request seed, drawn module by module in model order, row-major.
 */
public final class LoraAdapters implements AutoCloseable {

    /** PEFT key of A for a module: {@code <module>.lora_A.weight} (without the base_model.model. prefix). */
    public static String keyA(String module) {
        return module + ".lora_A.weight";
    }

    public static String keyB(String module) {
        return module + ".lora_B.weight";
    }

    private final LlamaModel model;
    private final LoraPlan plan;
    private final NDManager manager;
    private final Dropout dropout;
    private final Map<String, LoraLinear> layers = new LinkedHashMap<>();
    private final Map<String, LinearLayer> originals = new LinkedHashMap<>();
    private boolean detached;

    private LoraAdapters(LlamaModel model, LoraPlan plan, NDManager manager, Dropout dropout) {
        this.model = model;
        this.plan = plan;
        this.manager = manager;
        this.dropout = dropout;
    }

    /** Fresh adapters (A Kaiming-uniform, B zero) on every module of {@code plan}. */
    public static LoraAdapters attach(LlamaModel model, LoraPlan plan, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, float[][]> init = new LinkedHashMap<>();
        for (LoraTarget t : plan.targets()) {
            float[] a = new float[t.rank() * t.inFeatures()];
            double bound = 1.0 / Math.sqrt(t.inFeatures());
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (-bound + 2 * bound * rnd.nextDouble());
            }
            init.put(t.module(), new float[][] {a, new float[t.outFeatures() * t.rank()]});
        }
        return withValues(model, plan, init);
    }

    /**
     * Adapters with given values ({@code module -> {A row-major, B row-major}}), e.g. a loaded PEFT
     * adapter.
     */
    public static LoraAdapters withValues(LlamaModel model, LoraPlan plan, Map<String, float[][]> values) {
        NDManager m = model.manager().newSubManager();
        Dropout dropout = new Dropout(plan.spec().dropout());
        LoraAdapters adapters = new LoraAdapters(model, plan, m, dropout);
        try {
            int index = 0;
            for (LoraTarget t : plan.targets()) {
                float[][] ab = values.get(t.module());
                if (ab == null) {
                    throw new IllegalArgumentException("no adapter values for module " + t.module());
                }
                NDArray a = leaf(m, ab[0], new Shape(t.rank(), t.inFeatures()), keyA(t.module()));
                NDArray b = leaf(m, ab[1], new Shape(t.outFeatures(), t.rank()), keyB(t.module()));
                int moduleIndex = index++;
                LinearLayer old = model.linears().replace(t.module(), base -> {
                    if (base instanceof LoraLinear) {
                        throw new IllegalStateException("module " + t.module() + " already has an adapter");
                    }
                    return new LoraLinear(base, a, b, t.scale(), dropout, moduleIndex);
                });
                adapters.originals.put(t.module(), old);
                adapters.layers.put(t.module(), (LoraLinear) model.linears().get(t.module()));
            }
            return adapters;
        } catch (RuntimeException e) {
            adapters.close();
            throw e;
        }
    }

    private static NDArray leaf(NDManager m, float[] values, Shape shape, String name) {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + shape);
        }
        NDArray x = m.create(values, shape); // created with recording off: a leaf
        x.setName(name);
        x.setRequiresGradient(true);
        return x;
    }

    /** A and B of every module, in model order (A then B), named by their PEFT keys. */
    public List<TrainableParameter> parameters() {
        List<TrainableParameter> out = new ArrayList<>();
        layers.forEach((name, l) -> {
            out.add(new TrainableParameter(keyA(name), l.loraA()));
            out.add(new TrainableParameter(keyB(name), l.loraB()));
        });
        return out;
    }

    /** The adapted modules by full name, in model order. */
    public Map<String, LoraLinear> layers() {
        return java.util.Collections.unmodifiableMap(layers);
    }

    public LoraPlan plan() {
        return plan;
    }

    public Dropout dropout() {
        return dropout;
    }

    public LlamaModel model() {
        return model;
    }

    public long parameterCount() {
        return plan.trainableParameters();
    }

    /** Bytes of A and B (fp32). */
    public long bytes() {
        return parameterCount() * 4;
    }

    /** Puts the base modules back; the adapters' arrays stay readable until {@link #close()}. */
    public void detach() {
        if (!detached) {
            originals.forEach((name, base) -> model.linears().replace(name, current -> base));
            detached = true;
        }
    }

    /** Detaches and frees A and B. */
    @Override
    public void close() {
        detach();
        manager.close();
    }
}

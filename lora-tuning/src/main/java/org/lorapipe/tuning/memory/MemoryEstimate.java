package org.lorapipe.tuning.memory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The predicted peak resident memory of a training run, in bytes, with its parts. Some parts are held
 * for the whole run; the others belong to one phase, and only the phase that needs most counts:
 *
 * <pre>
 *   held  = baseline + runtimeGrowth + weights + adapter + gradients + optimizerState + dataset
 *   step  = activations + max(logits, workspace) + allocator     (forward, loss, backward)
 *   optim = optimizerStep                                         (every parameter updated)
 *   load  = baseline + weights + loadStaging                      (before anything trains)
 *   total = max(held + max(step, optim), load)
 * </pre>
 *
 * @param shape what was estimated
 * @param plan how backward is organised, which decides the activations
 * @param trainableParameters adapter parameters (every parameter for full fine-tuning)
 * @param baseline the process before the model: JVM and libtorch (RSS when the job starts)
 * @param runtimeGrowth what the process outside the C heap gains while it trains: Java heap, JIT code
 * @param weights the base weights as held (fp32, or NF4 codes and scales for the decoder projections)
 * @param adapter the trainable parameters, fp32
 * @param gradients their gradients, fp32, kept between steps
 * @param optimizerState AdamW's two moments, SGD's momentum buffer
 * @param dataset token ids and loss masks of both splits on the Java heap (0 when not known)
 * @param activations what backward needs, kept from the forward pass until it is used
 * @param logits the loss over one chunk of positions: logits, log-softmax and their gradients
 * @param workspace one layer in flight: what its forward creates beyond what it keeps, or its gradients
 *     (with checkpointing the whole recomputed layer; on NF4 the dequantized weights)
 * @param allocator memory freed during the step that the C heap keeps resident: its free top (up to
 *     {@code MALLOC_TRIM_THRESHOLD_}) and fragmentation
 * @param optimizerStep the optimizer's temporaries, held until every parameter is updated
 * @param loadStaging the model load's copies (fp32 tensors on their way to NF4, Java heap)
 */
public record MemoryEstimate(
        RunShape shape,
        BackwardPlan plan,
        long trainableParameters,
        long baseline,
        long runtimeGrowth,
        long weights,
        long adapter,
        long gradients,
        long optimizerState,
        long dataset,
        long activations,
        long logits,
        long workspace,
        long allocator,
        long optimizerStep,
        long loadStaging) {

    /** The phase that sets the peak. */
    public enum Phase {
        STEP("the training step (forward, loss, backward)"),
        OPTIMIZER("the optimizer step"),
        LOAD("the model load");

        private final String description;

        Phase(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** One line of the breakdown; {@code counted} parts add up to {@link #total()}. */
    public record Part(String key, String label, long bytes, boolean counted) {}

    public long held() {
        return baseline + runtimeGrowth + weights + adapter + gradients + optimizerState + dataset;
    }

    private long step() {
        return activations + Math.max(logits, workspace) + allocator;
    }

    private long optim() {
        return optimizerStep;
    }

    private long load() {
        return baseline + weights + loadStaging;
    }

    public Phase phase() {
        long training = held() + Math.max(step(), optim());
        if (load() > training) {
            return Phase.LOAD;
        }
        return step() >= optim() ? Phase.STEP : Phase.OPTIMIZER;
    }

    /** The predicted peak resident memory. */
    public long total() {
        return Math.max(held() + Math.max(step(), optim()), load());
    }

    /** Every part in the order of the breakdown, marked with whether it counts in the peak. */
    public List<Part> parts() {
        Phase p = phase();
        boolean training = p != Phase.LOAD;
        boolean step = p == Phase.STEP;
        List<Part> out = new ArrayList<>();
        out.add(new Part("baseline", "runtime baseline (JVM + libtorch)", baseline, true));
        out.add(new Part("runtimeGrowth", "runtime growth while training", runtimeGrowth, training));
        out.add(new Part("weights", "base weights as held", weights, true));
        out.add(new Part("adapter", "trainable parameters", adapter, training));
        out.add(new Part("gradients", "gradients", gradients, training));
        out.add(new Part("optimizerState", "optimizer state", optimizerState, training));
        out.add(new Part("dataset", "dataset on the Java heap", dataset, training));
        out.add(new Part("activations", "saved activations", activations, step));
        out.add(new Part("logits", "logits of one loss chunk", logits, step && logits >= workspace));
        out.add(new Part("workspace", "one layer in flight", workspace, step && workspace > logits));
        out.add(new Part("allocator", "freed memory kept resident", allocator, step));
        out.add(new Part("optimizerStep", "optimizer step temporaries", optimizerStep, p == Phase.OPTIMIZER));
        out.add(new Part("loadStaging", "model load staging", loadStaging, p == Phase.LOAD));
        return out;
    }

    /** The parts by key, then {@code total}: the {@code estimate} object of the training event. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Part part : parts()) {
            m.put(part.key(), part.bytes());
        }
        m.put("total", total());
        return m;
    }
}

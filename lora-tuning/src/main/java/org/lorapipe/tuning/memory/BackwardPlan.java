package org.lorapipe.tuning.memory;

/**
 * How a training step organises backward, which decides what it keeps: the choice
 * {@link org.lorapipe.tuning.train.CausalLm#trainStep} makes, plus full fine-tuning (a full graph in
 * which every weight wants a gradient, so every product also keeps its input).
 */
public enum BackwardPlan {
    /** LoRA on an fp32 base: one recorded graph; frozen products keep their weight, not their input. */
    FULL_GRAPH("one recorded graph"),
    /** Every weight trained (the benchmarks' full fine-tuning): one graph that keeps every product's input too. */
    FULL_WEIGHTS("one recorded graph, every weight trained"),
    /** QLoRA: each layer taped, cut at every projection input (LayerTape); no dequantized weight kept. */
    TAPED("layer tapes cut at the projections"),
    /** Gradient checkpointing: layer inputs kept, each layer recorded again just before its backward. */
    RECOMPUTED("gradient checkpointing");

    private final String description;

    BackwardPlan(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The plan the trainer follows for {@code shape}. */
    public static BackwardPlan of(RunShape shape) {
        if (shape.training().gradientCheckpointing() && !shape.fullFineTuning()) {
            return RECOMPUTED;
        }
        if (shape.fullFineTuning()) {
            return FULL_WEIGHTS;
        }
        return shape.nf4() ? TAPED : FULL_GRAPH;
    }
}

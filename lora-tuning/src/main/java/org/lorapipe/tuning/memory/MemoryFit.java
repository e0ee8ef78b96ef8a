package org.lorapipe.tuning.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.contract.request.TrainingSpec;

/**
 * The settings that would bring a run within a memory budget, each found by estimating the run with
 * that setting changed. Tried in the order of what they cost: a smaller micro-batch with more
 * accumulation (the same gradients), gradient checkpointing (the same gradients, more time), an NF4
 * base (QLoRA), shorter sequences (longer examples dropped or cut), a lower rank, SGD instead of AdamW;
 * when no single setting is enough, checkpointing and NF4 together, then with the smaller micro-batch.
 */
public final class MemoryFit {

    /** The request field, its value that fits, and the run's estimate with it. */
    public record Suggestion(String setting, String value, MemoryEstimate estimate) {
        /** {@code training.gradientCheckpointing: true -> 1.20 GiB}. */
        public String describe() {
            return setting + ": " + value + " -> " + ByteSize.of(estimate.total());
        }
    }

    /** The smallest {@code dataset.maxSeqLength} a request may ask for. */
    static final int MIN_SEQUENCE = 8;

    private final MemoryEstimator estimator;

    public MemoryFit(MemoryEstimator estimator) {
        this.estimator = estimator;
    }

    /**
     * Every single setting that brings {@code shape} within {@code budget} bytes; when none does, the
     * combinations that do; empty when nothing tried fits.
     */
    public List<Suggestion> suggestions(RunShape shape, long budget) {
        List<Suggestion> out = new ArrayList<>();
        largestMicroBatch(shape, budget).ifPresent(out::add);
        boolean checkpointing = shape.training().gradientCheckpointing();
        if (!checkpointing && !shape.fullFineTuning()) {
            fits(shape.withCheckpointing(true), budget, "training.gradientCheckpointing", "true")
                    .ifPresent(out::add);
        }
        if (!shape.nf4()) {
            fits(shape.withQuantization(nf4()), budget, "quantization.type", "nf4 (doubleQuant: true)")
                    .ifPresent(out::add);
        }
        largest(shape.sequenceLength(), MIN_SEQUENCE, shape::withSequenceLength, budget)
                .map(s -> new Suggestion(
                        "dataset.maxSeqLength", Integer.toString(s.shape().sequenceLength()), s))
                .ifPresent(out::add);
        if (!shape.fullFineTuning() && shape.lora().r() > 1) {
            largest(shape.lora().r(), 1, r -> shape.withLora(rank(shape.lora(), r)), budget)
                    .map(s -> new Suggestion(
                            "lora.r", Integer.toString(s.shape().lora().r()), s))
                    .ifPresent(out::add);
        }
        if (shape.training().optimizer() != OptimizerType.SGD) {
            fits(shape.withOptimizer(OptimizerType.SGD), budget, "training.optimizer", "sgd")
                    .ifPresent(out::add);
        }
        if (out.isEmpty() && !shape.fullFineTuning()) {
            RunShape both = shape.withCheckpointing(true).withQuantization(nf4());
            fits(both, budget, "training.gradientCheckpointing and quantization.type", "true and nf4")
                    .ifPresent(out::add);
            if (out.isEmpty()) {
                largestMicroBatch(both, budget)
                        .map(s -> new Suggestion(
                                "training.gradientCheckpointing, quantization.type and " + s.setting(),
                                "true, nf4 and " + s.value(),
                                s.estimate()))
                        .ifPresent(out::add);
            }
        }
        return out;
    }

    /** The largest micro-batch below the current one that fits, with the accumulation that keeps the batch. */
    private Optional<Suggestion> largestMicroBatch(RunShape shape, long budget) {
        TrainingSpec t = shape.training();
        int batch = t.microBatchSize() * t.gradientAccumulationSteps();
        return largest(t.microBatchSize(), 1, b -> shape.withMicroBatch(b, (batch + b - 1) / b), budget)
                .map(s -> {
                    TrainingSpec fitted = s.shape().training();
                    return new Suggestion(
                            "training.microBatchSize",
                            fitted.microBatchSize() + " (gradientAccumulationSteps "
                                    + fitted.gradientAccumulationSteps() + " keeps a batch of at least "
                                    + t.microBatchSize() * t.gradientAccumulationSteps() + ")",
                            s);
                });
    }

    /** The estimate of {@code shape} when it fits. */
    private Optional<Suggestion> fits(RunShape shape, long budget, String setting, String value) {
        MemoryEstimate e = estimator.estimate(shape);
        return e.total() <= budget ? Optional.of(new Suggestion(setting, value, e)) : Optional.empty();
    }

    /** The largest value below {@code current}, halving down to {@code floor}, whose run fits. */
    private Optional<MemoryEstimate> largest(int current, int floor, IntFunction<RunShape> variant, long budget) {
        int v = current;
        while (v > floor) {
            v = Math.max(floor, v / 2);
            MemoryEstimate e = estimator.estimate(variant.apply(v));
            if (e.total() <= budget) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static QuantizationSpec nf4() {
        return new QuantizationSpec(QuantizationType.NF4, true, QuantizationSpec.DEFAULT_BLOCK_SIZE);
    }

    private static LoraSpec rank(LoraSpec l, int r) {
        return new LoraSpec(
                r, l.alpha(), l.dropout(), l.targetModules(), l.rankPattern(), l.alphaPattern(), l.useRslora());
    }
}

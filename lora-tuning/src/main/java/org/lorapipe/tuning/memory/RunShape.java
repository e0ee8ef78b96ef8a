package org.lorapipe.tuning.memory;

import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.contract.request.TrainingSpec;
import org.lorapipe.model.LlamaConfig;

/**
 * What decides the memory of a training run: the model, what is trained, the batch shape, and the
 * settings that change what backward keeps. Made from a request and the base model's config before
 * anything runs ({@link #of}), or by the benchmarks from their configurations; the withers are the
 * variants {@link MemoryFit} tries.
 *
 * @param config the base model (config.json)
 * @param lora the adapters; null trains every weight (full fine-tuning, as {@code lora bench training}
 *     does), which the trainer-service never does
 * @param quantization how the frozen base is held: fp32, or NF4 (QLoRA)
 * @param training optimizer, micro-batch (B), gradient checkpointing
 * @param sequenceLength tokens per sequence the micro-batch is padded to (T)
 * @param packed packed examples: the attention mask is per sequence [B, 1, T, T] instead of shared
 * @param ragged micro-batches differ in length from step to step (right-padded to each one's longest
 *     sequence, as the trainer does with unpacked data), so one step's freed buffers do not fit the
 *     next step's tensors exactly; false when every step has the same shape (the benchmarks)
 * @param datasetTokens tokens of both splits the trainer holds on the Java heap; 0 when not known
 * @param datasetSequences sequences of both splits
 */
public record RunShape(
        LlamaConfig config,
        LoraSpec lora,
        QuantizationSpec quantization,
        TrainingSpec training,
        int sequenceLength,
        boolean packed,
        boolean ragged,
        long datasetTokens,
        long datasetSequences) {

    public RunShape {
        if (sequenceLength < 2) {
            throw new IllegalArgumentException("a sequence needs at least 2 tokens, got " + sequenceLength);
        }
        if (training.microBatchSize() < 1) {
            throw new IllegalArgumentException(
                    "training.microBatchSize must be >= 1, got " + training.microBatchSize());
        }
    }

    /**
     * A request's run on {@code config} as far as the request tells: micro-batches of
     * {@code training.microBatchSize} sequences of {@code dataset.maxSeqLength} tokens (the longest a
     * batch can be padded to), no dataset held.
     */
    public static RunShape of(LlamaConfig config, TrainingRequest request) {
        return new RunShape(
                config,
                request.lora(),
                request.quantization(),
                request.training(),
                request.dataset().maxSeqLength(),
                request.dataset().pack(),
                !request.dataset().pack(), // unpacked examples have their own lengths; packed ones fill T
                0,
                0);
    }

    /**
     * A request's run on its prepared dataset: micro-batches pad to the dataset's longest sequence (at
     * most {@code dataset.maxSeqLength}; that itself when a manifest does not say), hold at most as many
     * sequences as the training split has, and the trainer holds both splits.
     */
    public static RunShape of(LlamaConfig config, TrainingRequest request, DatasetManifest manifest) {
        RunShape shape = of(config, request);
        int max = request.dataset().maxSeqLength();
        int longest = manifest.maxSequenceLength() > 0 ? Math.max(2, Math.min(max, manifest.maxSequenceLength())) : max;
        int b = (int) Math.max(1, Math.min(shape.microBatch(), manifest.trainExamples()));
        TrainingSpec t = shape.training();
        return shape.withSequenceLength(longest)
                .withMicroBatch(b, t.gradientAccumulationSteps())
                .withDataset(
                        manifest.trainTokens() + manifest.validationTokens(),
                        manifest.trainExamples() + manifest.validationExamples());
    }

    /** B, sequences per forward pass. */
    public int microBatch() {
        return training.microBatchSize();
    }

    /** Whether the decoder projections are held in NF4. */
    public boolean nf4() {
        return quantization != null && quantization.type() == QuantizationType.NF4;
    }

    /** Whether every weight is trained (no adapters). */
    public boolean fullFineTuning() {
        return lora == null;
    }

    public RunShape withSequenceLength(int tokens) {
        return new RunShape(
                config, lora, quantization, training, tokens, packed, ragged, datasetTokens, datasetSequences);
    }

    public RunShape withQuantization(QuantizationSpec q) {
        return new RunShape(config, lora, q, training, sequenceLength, packed, ragged, datasetTokens, datasetSequences);
    }

    public RunShape withLora(LoraSpec l) {
        return new RunShape(
                config, l, quantization, training, sequenceLength, packed, ragged, datasetTokens, datasetSequences);
    }

    public RunShape withTraining(TrainingSpec t) {
        return new RunShape(
                config, lora, quantization, t, sequenceLength, packed, ragged, datasetTokens, datasetSequences);
    }

    /** {@code b} sequences per micro-batch, {@code accumulation} micro-batches per optimizer step. */
    public RunShape withMicroBatch(int b, int accumulation) {
        return withTraining(training(training.optimizer(), b, accumulation, training.gradientCheckpointing()));
    }

    public RunShape withCheckpointing(boolean on) {
        return withTraining(
                training(training.optimizer(), training.microBatchSize(), training.gradientAccumulationSteps(), on));
    }

    public RunShape withOptimizer(OptimizerType optimizer) {
        return withTraining(training(
                optimizer,
                training.microBatchSize(),
                training.gradientAccumulationSteps(),
                training.gradientCheckpointing()));
    }

    private TrainingSpec training(OptimizerType optimizer, int microBatch, int accumulation, boolean checkpointing) {
        TrainingSpec t = training;
        return new TrainingSpec(
                optimizer,
                t.learningRate(),
                t.weightDecay(),
                t.momentum(),
                t.scheduler(),
                t.warmupSteps(),
                t.epochs(),
                t.maxSteps(),
                microBatch,
                accumulation,
                t.gradClipNorm(),
                t.seed(),
                t.checkpointEverySteps(),
                checkpointing);
    }

    /** The dataset the trainer holds: {@code tokens} in {@code sequences} sequences. */
    public RunShape withDataset(long tokens, long sequences) {
        return new RunShape(config, lora, quantization, training, sequenceLength, packed, ragged, tokens, sequences);
    }
}

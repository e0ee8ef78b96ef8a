package org.lorapipe.contract.request;

/**
 * The optimisation loop.
 *
 * @param optimizer {@code adamw} or {@code sgd}
 * @param learningRate peak learning rate, reached after the warm-up
 * @param weightDecay decoupled weight decay (AdamW) or L2 (SGD)
 * @param momentum SGD momentum
 * @param scheduler schedule after the warm-up
 * @param warmupSteps linear warm-up from 0 to {@code learningRate}
 * @param epochs passes over the training split
 * @param maxSteps optimizer steps cap; 0 = run every epoch
 * @param microBatchSize examples per forward pass
 * @param gradientAccumulationSteps micro-batches per optimizer step
 * @param gradClipNorm global gradient-norm clip; 0 disables it
 * @param seed seed of every random choice (init, dropout, order); same seed, same loss curve
 * @param checkpointEverySteps steps between resumable checkpoints
 * @param gradientCheckpointing keep only each layer's input and recompute the layer in backward: less
 *     activation memory for about a third more time per step (an extension of the contract; default off)
 */
public record TrainingSpec(
        OptimizerType optimizer,
        double learningRate,
        double weightDecay,
        double momentum,
        SchedulerType scheduler,
        int warmupSteps,
        int epochs,
        int maxSteps,
        int microBatchSize,
        int gradientAccumulationSteps,
        double gradClipNorm,
        long seed,
        int checkpointEverySteps,
        boolean gradientCheckpointing) {

    public static final double DEFAULT_LEARNING_RATE = 3e-4;
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;
    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final int DEFAULT_WARMUP_STEPS = 10;
    public static final int DEFAULT_EPOCHS = 1;
    public static final int DEFAULT_MICRO_BATCH_SIZE = 4;
    public static final double DEFAULT_GRAD_CLIP_NORM = 1.0;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_CHECKPOINT_EVERY_STEPS = 50;
}

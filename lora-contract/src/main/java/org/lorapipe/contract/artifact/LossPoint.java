package org.lorapipe.contract.artifact;

/**
 * One point of a run's loss curve: the optimizer step, the training loss of that step and the learning
 * rate it ran with. The trainer records it, checkpoints and {@code training.json} carry it, the
 * evaluator draws it.
 */
public record LossPoint(long step, double loss, double learningRate) {}

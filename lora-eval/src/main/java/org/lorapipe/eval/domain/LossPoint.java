package org.lorapipe.eval.domain;

/** One point of the training loss curve (TrainingProgress's step and loss). */
public record LossPoint(long step, double loss) {}

package org.lorapipe.trainer.domain;

import java.util.List;
import org.lorapipe.contract.event.TrainingMetrics;

/**
 * {@code training.json} beside a published adapter: the run's figures and its whole loss curve, so a
 * redelivered event can be answered without training again and the evaluator can draw the curve.
 */
public record TrainingRecord(TrainingMetrics metrics, List<LossHistory.Point> losses) {
    public static final String FILE = "training.json";
}

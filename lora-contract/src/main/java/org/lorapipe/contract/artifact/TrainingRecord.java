package org.lorapipe.contract.artifact;

import java.util.List;
import org.lorapipe.contract.event.TrainingMetrics;

/**
 * {@code training.json} beside a published adapter ({@code runs/{id}/adapter/}): the run's figures and
 * its whole loss curve, so a redelivered event can be answered without training again and the
 * evaluator can draw the curve.
 */
public record TrainingRecord(TrainingMetrics metrics, List<LossPoint> losses) {
    public static final String FILE = "training.json";

    public TrainingRecord {
        losses = losses == null ? List.of() : List.copyOf(losses);
    }
}

package org.lorapipe.trainer.domain;

import java.util.ArrayList;
import java.util.List;
import org.lorapipe.contract.artifact.LossPoint;

/**
 * The loss curve of a run, step by step, carried across restarts inside each checkpoint so that the
 * curve of a resumed run is whole. The evaluator draws it; {@link #tailMean} is the reported train loss.
 */
public final class LossHistory {
    private final List<LossPoint> points = new ArrayList<>();

    public LossHistory() {}

    public LossHistory(List<LossPoint> restored) {
        points.addAll(restored);
    }

    public void add(long step, double loss, double learningRate) {
        points.removeIf(p -> p.step() >= step);
        points.add(new LossPoint(step, loss, learningRate));
    }

    public List<LossPoint> points() {
        return List.copyOf(points);
    }

    /** Mean loss of the last {@code n} steps: where the curve ends, less noisy than the final step. */
    public double tailMean(int n) {
        if (points.isEmpty()) {
            return Double.NaN;
        }
        List<LossPoint> tail = points.subList(Math.max(0, points.size() - n), points.size());
        return tail.stream().mapToDouble(LossPoint::loss).average().orElse(Double.NaN);
    }
}

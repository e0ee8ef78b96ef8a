package org.lorapipe.tuning.optim;

import org.lorapipe.contract.request.SchedulerType;

/**
 * Learning rate per optimizer step, as Hugging Face transformers' schedules (LambdaLR over the 0-based
 * index s of the optimizer step about to run, W warm-up steps, S total steps, peak lr):
 *
 * <pre>
 *   s &lt; W:     lr * s / max(1, W)                                   (linear warm-up from 0)
 *   constant:  lr
 *   linear:    lr * max(0, (S - s) / max(1, S - W))                   (to 0 at S)
 *   cosine:    lr * max(0, 0.5 * (1 + cos(pi * (s - W) / max(1, S - W))))   (to 0 at S)
 * </pre>
 *
 * (So with W &gt; 0 the very first step runs at lr 0, as in transformers.)
 */
public record LrSchedule(SchedulerType type, double peak, int warmupSteps, long totalSteps) {

    public double at(long step) {
        if (step < warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        double span = Math.max(1, totalSteps - warmupSteps);
        return switch (type) {
            case CONSTANT -> peak;
            case LINEAR -> peak * Math.max(0.0, (totalSteps - step) / span);
            case COSINE -> peak * Math.max(0.0, 0.5 * (1 + Math.cos(Math.PI * (step - warmupSteps) / span)));
        };
    }
}

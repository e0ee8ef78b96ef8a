package org.lorapipe.tuning.train;

/** The loss (or gradient norm) became NaN or infinite; the step was not applied. */
public final class TrainingDivergedException extends RuntimeException {

    private final long step;

    public TrainingDivergedException(long step, String message) {
        super(message);
        this.step = step;
    }

    /** The 1-based optimizer step whose loss diverged. */
    public long step() {
        return step;
    }
}

package org.lorapipe.tuning.train;

/**
 * Training ended early because its listener asked it to stop ({@link TrainingListener#stopRequested});
 * the state after {@link #step()} was handed to {@link TrainingListener#onCheckpoint} first, so the run
 * can continue from there.
 */
public class TrainingStoppedException extends RuntimeException {
    private final long step;

    public TrainingStoppedException(long step) {
        super("training stopped on request after step " + step);
        this.step = step;
    }

    /** The last step done (and checkpointed). */
    public long step() {
        return step;
    }
}

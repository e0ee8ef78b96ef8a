package org.lorapipe.tuning.train;

/** Callbacks of a training run, on the training thread (keep them short). */
public interface TrainingListener {

    /** After every optimizer step. */
    default void onStep(StepReport report) {}

    /**
     * Every {@code checkpointEverySteps} steps (not after the last one): a resumable snapshot, already
     * copied to the heap, safe to save on another thread.
     */
    default void onCheckpoint(TrainingState state) {}

    /**
     * Asked after every step: true ends the run at this step boundary, after a checkpoint of it
     * ({@link #onCheckpoint}), with {@link TrainingStoppedException}.
     */
    default boolean stopRequested() {
        return false;
    }

    TrainingListener NONE = new TrainingListener() {};
}

package org.lorapipe.tuning.train;

/** Callbacks of a training run, on the training thread (keep them short). */
public interface TrainingListener {

    /**
     * Before the first step of epoch {@code epoch} (0-based), and before the first step of a run that
     * resumes inside an epoch.
     */
    default void onEpochStart(int epoch) {}

    /** After the step that finishes epoch {@code epoch}; not called for an epoch cut short by maxSteps. */
    default void onEpochEnd(int epoch) {}

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

package org.lorapipe.tuning.optim;

import java.util.List;
import java.util.Map;
import org.lorapipe.tuning.train.TrainableParameter;

/**
 * Updates trainable leaves from their accumulated gradients, then zeroes those gradients. State lives
 * in arrays the optimizer owns (closed with it), never in DJL's detached built-in optimizer state.
 */
public interface Optimizer extends AutoCloseable {

    /** One update of every parameter with learning rate {@code lr}; gradients are zeroed afterwards. */
    void step(double lr);

    List<TrainableParameter> parameters();

    /** Optimizer steps taken so far (AdamW's t). */
    long steps();

    /** Per-parameter state arrays as heap copies: {@code "<kind>.<param name>" -> values}. */
    Map<String, float[]> exportState();

    /** Restores what {@link #exportState()} produced (plus the step count). */
    void importState(Map<String, float[]> state, long steps);

    /** Bytes of optimizer state (fp32). */
    long stateBytes();

    @Override
    void close();
}

package org.lorapipe.tuning.train;

import ai.djl.ndarray.NDArray;

/**
 * A named leaf array that receives gradients and is updated by an optimizer.
 *
 * @param name stable name (the PEFT key for adapters, the HF name for full fine-tuning)
 * @param value the leaf (created with recording off, {@code setRequiresGradient(true)})
 */
public record TrainableParameter(String name, NDArray value) {

    public long size() {
        return value.getShape().size();
    }
}

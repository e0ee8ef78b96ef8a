package org.lorapipe.model;

import ai.djl.ndarray.NDArray;

/**
 * A linear projection y = x W^T (+ b), the unit a LoRA adapter wraps. Every projection of the model
 * goes through this interface and is registered under its Hugging Face module name (see
 * {@link LinearModules}), so a trainer can replace any of them.
 */
public interface LinearLayer {

    /** [..., in] -> [..., out]; the result belongs to {@code x}'s manager. */
    NDArray forward(NDArray x);

    int inFeatures();

    int outFeatures();
}

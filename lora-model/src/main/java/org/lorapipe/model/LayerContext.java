package org.lorapipe.model;

import ai.djl.ndarray.NDArray;

/**
 * What every layer of one forward step reads besides its input.
 *
 * @param cos rotary cosines [B, 1, T, hs]
 * @param sin rotary sines [B, 1, T, hs]
 * @param mask additive mask [B|1, 1, T, Tk] of the layers that attend globally, or null (nothing masked)
 * @param windowMask the same with the sliding window applied, for windowed layers, or null
 * @param cache keys and values of earlier steps to read and extend (generation), or null
 */
public record LayerContext(NDArray cos, NDArray sin, NDArray mask, NDArray windowMask, KvCache cache) {

    /**
     * The mask a layer applies. A windowed layer without a window mask attends as a global one (the window
     * masks nothing more at this length, or a caller asked for global attention).
     */
    public NDArray mask(boolean windowed) {
        return windowed && windowMask != null ? windowMask : mask;
    }
}

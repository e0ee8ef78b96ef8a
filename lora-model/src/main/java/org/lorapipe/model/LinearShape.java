package org.lorapipe.model;

/**
 * The shape of a linear projection y = x W^T: W is [out, in]. What a LoRA plan or a memory estimate
 * needs of a module, without its weights.
 */
public record LinearShape(int inFeatures, int outFeatures) {

    /** Elements of W. */
    public long weightElements() {
        return (long) inFeatures * outFeatures;
    }
}

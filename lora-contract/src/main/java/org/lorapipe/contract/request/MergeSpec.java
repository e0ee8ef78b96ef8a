package org.lorapipe.contract.request;

/**
 * Fusing the adapter into the base weights after evaluation.
 *
 * @param enabled merge at all
 * @param dtype floating-point type of the written weights
 * @param gate optional quality gate; null = always merge
 * @param maxShardBytes shard the output above this size
 */
public record MergeSpec(boolean enabled, ModelDtype dtype, MergeGate gate, long maxShardBytes) {
    public static final long DEFAULT_MAX_SHARD_BYTES = 2L * 1024 * 1024 * 1024;
}

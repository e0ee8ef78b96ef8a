package org.lorapipe.contract.sweep;

/**
 * One training run of a sweep: a setting trained with one seed, published as an ordinary training
 * request under {@code requestId}.
 *
 * @param n 1-based run number; the request id is {@code {sweepId}-{n}}
 * @param setting the {@link SweepSetting#index()} it trains
 * @param seed its {@code training.seed}
 */
public record SweepRun(int n, String requestId, int setting, long seed) {}

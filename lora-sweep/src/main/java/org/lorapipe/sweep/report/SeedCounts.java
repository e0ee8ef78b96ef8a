package org.lorapipe.sweep.report;

/**
 * A setting's runs by state: planned = trained + failed + queued.
 *
 * @param trained runs that ended merged or not merged: the figures are over these
 * @param failed runs that ended failed: listed, not counted
 * @param queued runs with no end yet
 */
public record SeedCounts(int planned, int trained, int failed, int queued) {}

package org.lorapipe.contract.request;

/**
 * Do not merge when the tuned model is worse than the base on {@code task}/{@code metric} by more than
 * {@code tolerance} (absolute). Whether "worse" means lower or higher follows the metric: accuracies and
 * pass rates are better high, losses and perplexities are better low.
 */
public record MergeGate(String task, String metric, double tolerance) {}

package org.lorapipe.contract.event;

import java.util.Map;

/** One benchmark's metrics for the base model and for base + adapter. */
public record TaskResult(Map<String, Double> base, Map<String, Double> tuned) {}

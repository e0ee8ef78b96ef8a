package org.lorapipe.contract.event;

/** How the merged model was checked: largest |logit| difference against base + adapter on held-out text. */
public record Verification(double maxAbsLogitDiff) {}

package org.lorapipe.evaluation.domain;

import java.util.List;
import java.util.Map;

/** What one task produced for one model variant. */
public interface TaskRun {

    /** The metrics compared between base and tuned (and drawn in the report's charts). */
    List<Metric> headline();

    /** Every metric for the event and report, standard errors ({@code *_stderr}) and counts included. */
    Map<String, Double> metrics();

    /** Per-item (or per-prompt, per-sequence) results for report.json. */
    Object details();
}

package org.lorapipe.contract;

import com.fasterxml.jackson.annotation.JsonValue;

/** The stage of the pipeline that reports a failure, as written in {@code PipelineFailed.stage}. */
public enum Stage {
    DATASET("dataset"),
    TRAINING("training"),
    EVALUATION("evaluation"),
    MERGE("merge"),
    /** The sweep-service: a sweep request it refused. */
    SWEEP("sweep");

    private final String wire;

    Stage(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }
}

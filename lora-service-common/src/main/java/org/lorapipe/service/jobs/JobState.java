package org.lorapipe.service.jobs;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where one request stands at one stage. */
public enum JobState {
    /** The input was valid and is durably recorded; work has not started. */
    ACCEPTED,
    RUNNING,
    DONE,
    FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

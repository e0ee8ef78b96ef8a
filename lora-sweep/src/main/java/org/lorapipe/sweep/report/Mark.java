package org.lorapipe.sweep.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a setting's mean of a figure with a known direction (lower loss, higher accuracy) stands against
 * the best setting's mean. The seed spread between two settings is the larger of their standard
 * deviations over seeds (of those that have one: one trained seed has none); a difference no larger than
 * it cannot be told from seed noise. Absent where nothing can be said: no direction, no value, or no
 * spread (one seed).
 */
public enum Mark {
    /** The best mean of all settings (the first one on a tie). */
    BEST("best"),
    /** |mean - best mean| is at most the seed spread. */
    WITHIN_SPREAD("within-spread"),
    /** |mean - best mean| is larger than the seed spread. */
    BEYOND_SPREAD("beyond-spread");

    private final String json;

    Mark(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }

    @JsonCreator
    public static Mark of(String json) {
        for (Mark m : values()) {
            if (m.json.equals(json)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mark '" + json + "': best, within-spread or beyond-spread");
    }
}

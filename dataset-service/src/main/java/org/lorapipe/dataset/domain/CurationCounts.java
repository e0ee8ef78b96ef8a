package org.lorapipe.dataset.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What curation did, counted as it streams: records in, drops per reason with a few examples, duplicates. */
public final class CurationCounts {
    private static final int EXAMPLES_KEPT = 5;

    long recordsIn;
    long recordsOut;
    long duplicatesExact;
    long duplicatesNear;
    private final Map<String, Long> dropped = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();

    void drop(String reason, String detail) {
        dropped.merge(reason, 1L, Long::sum);
        if (examples.size() < EXAMPLES_KEPT && detail != null) {
            examples.add(detail);
        }
    }

    public long recordsIn() {
        return recordsIn;
    }

    public long recordsOut() {
        return recordsOut;
    }

    public long duplicatesExact() {
        return duplicatesExact;
    }

    public long duplicatesNear() {
        return duplicatesNear;
    }

    public Map<String, Long> dropped() {
        return Map.copyOf(dropped);
    }

    /** Malformed or empty: the records that count against {@code maxBadFraction}. */
    public long bad() {
        return dropped.getOrDefault(DropReason.MALFORMED, 0L) + dropped.getOrDefault(DropReason.EMPTY, 0L);
    }

    /** The first few drops, explained. */
    public List<String> examples() {
        return List.copyOf(examples);
    }
}

package org.lorapipe.sweepservice.storage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.sweep.SweepRunEnded;

/**
 * What a sweep's report needs of each run that trained: its figures, its loss curve cut to at most
 * {@link #MAX_LOSS_POINTS} points, and its evaluation's comparisons. A run's files never change once it
 * ended, so they are read once and kept, the most recently used {@link #MAX_RUNS} of them: rebuilding a
 * report after each run's end would otherwise read every earlier run again (quadratic in the runs) and
 * hold every whole loss curve. A replica that starts afresh reads them again; nothing depends on the cache.
 */
public final class EndedRuns {
    /** Points of a loss curve kept for the report's chart (the last one always among them). */
    public static final int MAX_LOSS_POINTS = 400;
    /** Runs kept: four sweeps of the largest size. */
    static final int MAX_RUNS = 1024;

    /** A trained run as the report reads it; either part may be missing (not published, too large). */
    public record Loaded(TrainingRecord training, JsonNode evaluation) {}

    private final SweepStore store;
    private final Map<String, Loaded> kept = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Loaded> eldest) {
            return size() > MAX_RUNS;
        }
    };

    private final Map<String, SweepRunEnded> ends = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SweepRunEnded> eldest) {
            return size() > MAX_RUNS;
        }
    };

    public EndedRuns(SweepStore store) {
        this.store = store;
    }

    /** How run {@code n} of the sweep ended, once it did (its first end is kept for good). */
    public Optional<SweepRunEnded> end(String sweepId, int n) {
        String key = sweepId + "/" + n;
        SweepRunEnded known = ends.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<SweepRunEnded> found = store.runEnd(sweepId, n).map(RecordedRunEnd::end);
        found.ifPresent(e -> ends.put(key, e));
        return found;
    }

    /** The run's results, read from its files the first time. Not thread-safe: one loop thread uses it. */
    public Loaded of(String requestId) {
        Loaded known = kept.get(requestId);
        if (known != null) {
            return known;
        }
        Optional<TrainingRecord> training = store.training(requestId);
        Loaded loaded = new Loaded(
                training.map(t -> new TrainingRecord(t.metrics(), thin(t.losses())))
                        .orElse(null),
                store.evaluation(requestId).orElse(null));
        if (loaded.training() != null) { // a run whose files are not there yet is looked at again next time
            kept.put(requestId, loaded);
        }
        return loaded;
    }

    /** Every k-th point so that at most {@link #MAX_LOSS_POINTS} remain, and the last one. */
    static List<LossPoint> thin(List<LossPoint> points) {
        if (points.size() <= MAX_LOSS_POINTS) {
            return points;
        }
        int every = (points.size() + MAX_LOSS_POINTS - 2) / (MAX_LOSS_POINTS - 1);
        List<LossPoint> out = new ArrayList<>();
        for (int i = 0; i < points.size() - 1; i += every) {
            out.add(points.get(i));
        }
        out.add(points.get(points.size() - 1));
        return out;
    }
}

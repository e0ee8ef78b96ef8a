package org.lorapipe.console.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.contract.sweep.SweepCompleted;
import org.lorapipe.contract.sweep.SweepProgress;

/**
 * Every run and sweep the topics tell of, in memory and bounded: at most {@code maxRuns} runs and
 * {@code maxSweeps} sweeps, the ones first seen longest ago forgotten first (they stay in Kafka and the
 * bucket). Records are parsed with the contract's parsers, as the stages parse them; a record they
 * refuse is skipped and counted, never shown half-read. Thread-safe: one reader thread applies records,
 * any number of HTTP threads read.
 */
public final class RunBoard {
    /** The topics the board reads, in no particular order (each key's records arrive in order). */
    public static final List<String> TOPICS = List.of(
            Topics.TRAINING_REQUESTED,
            Topics.DATASET_PREPARED,
            Topics.TRAINING_PROGRESS,
            Topics.ADAPTER_TRAINED,
            Topics.EVALUATION_COMPLETED,
            Topics.MODEL_MERGED,
            Topics.PIPELINE_FAILED,
            Topics.SWEEP_PROGRESS,
            Topics.SWEEP_COMPLETED);

    private final EventParser parser;
    private final int maxRuns;
    private final int maxSweeps;
    private final int maxLossPoints;
    private final LinkedHashMap<String, RunView> runs = new LinkedHashMap<>();
    private final LinkedHashMap<String, SweepView> sweeps = new LinkedHashMap<>();
    private final Map<String, AtomicLong> skipped = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();

    public RunBoard(EventParser parser, int maxRuns, int maxSweeps, int maxLossPoints) {
        this.parser = parser;
        this.maxRuns = maxRuns;
        this.maxSweeps = maxSweeps;
        this.maxLossPoints = maxLossPoints;
    }

    /** {@link #apply(String, String, String, String, Instant)} at the time it is applied. */
    public boolean apply(String topic, String key, String value, String principal) {
        return apply(topic, key, value, principal, Instant.now());
    }

    /**
     * Applies one record. Returns false (and counts it under its topic) when the contract's parser
     * refuses it.
     *
     * @param principal the record's {@code lora_principal} header (requests only), or null
     * @param timestamp the record's Kafka timestamp: when a request (which has no {@code occurredAt}) was
     *     sent, so a run read again from the beginning keeps its time
     */
    public boolean apply(String topic, String key, String value, String principal, Instant timestamp) {
        try {
            switch (topic) {
                case Topics.TRAINING_REQUESTED -> {
                    TrainingRequest r = parser.requests().parse(value);
                    run(r.requestId(), v -> {
                        v.requested(r, principal, timestamp);
                        return null;
                    });
                }
                case Topics.DATASET_PREPARED -> event(value, DatasetPrepared.class, RunView::prepared);
                case Topics.TRAINING_PROGRESS -> event(value, TrainingProgress.class, RunView::progressed);
                case Topics.ADAPTER_TRAINED -> event(value, AdapterTrained.class, RunView::trained);
                case Topics.EVALUATION_COMPLETED -> event(value, EvaluationCompleted.class, RunView::evaluated);
                case Topics.MODEL_MERGED -> event(value, ModelMerged.class, RunView::merged);
                case Topics.PIPELINE_FAILED -> failed(value);
                case Topics.SWEEP_PROGRESS -> {
                    SweepProgress p = Json.read(value, SweepProgress.class);
                    sweep(p.sweepId(), s -> SweepView.of(p, s));
                }
                case Topics.SWEEP_COMPLETED -> {
                    SweepCompleted c = Json.read(value, SweepCompleted.class);
                    sweep(c.sweepId(), s -> SweepView.of(c, s));
                }
                default -> throw new IllegalArgumentException("not a topic the console reads: " + topic);
            }
            applied.incrementAndGet();
            return true;
        } catch (RuntimeException e) {
            skipped.computeIfAbsent(topic, t -> new AtomicLong()).incrementAndGet();
            return false;
        }
    }

    private <T extends org.lorapipe.contract.event.PipelineEvent> void event(
            String value, Class<T> type, java.util.function.BiConsumer<RunView, T> apply) {
        T e = parser.parse(value, type);
        run(e.requestId(), v -> {
            apply.accept(v, e);
            return null;
        });
    }

    /**
     * A failure: read strictly when it carries its request, else with the envelope's fields only (a
     * request the first stage refused has none to carry, and the console must still show its problems).
     */
    private void failed(String value) {
        PipelineFailed f = Json.read(value, PipelineFailed.class);
        if (f.request() != null) {
            f = parser.parse(value, PipelineFailed.class);
        } else if (f.requestId() == null
                || !org.lorapipe.contract.request.RequestParser.REQUEST_ID
                        .matcher(f.requestId())
                        .matches()) {
            throw new IllegalArgumentException("a failure without a usable requestId");
        }
        PipelineFailed event = f;
        run(event.requestId(), v -> {
            v.failed(event);
            return null;
        });
    }

    private synchronized void run(String id, Function<RunView, Void> change) {
        RunView v = runs.get(id);
        if (v == null) {
            v = new RunView(id, seq.incrementAndGet(), maxLossPoints);
            runs.put(id, v);
            while (runs.size() > maxRuns) {
                runs.remove(runs.keySet().iterator().next());
            }
        }
        change.apply(v);
    }

    private synchronized void sweep(String id, Function<Long, SweepView> make) {
        SweepView old = sweeps.get(id);
        SweepView next = make.apply(old == null ? seq.incrementAndGet() : old.seq());
        if (old != null && old.completed() && !next.completed()) {
            return; // a late progress never undoes the completion
        }
        sweeps.put(id, next);
        while (sweeps.size() > maxSweeps) {
            sweeps.remove(sweeps.keySet().iterator().next());
        }
    }

    /** Runs that pass {@code filter}, newest first, at most {@code limit}. */
    public synchronized List<RunSnapshot> runs(Predicate<RunView> filter, int limit) {
        List<RunSnapshot> out = new ArrayList<>();
        List<RunView> all = new ArrayList<>(runs.values());
        all.sort(Comparator.comparingLong(RunView::seq).reversed());
        for (RunView v : all) {
            if (out.size() >= limit) {
                break;
            }
            if (filter.test(v)) {
                out.add(RunSnapshot.of(v));
            }
        }
        return out;
    }

    /** One run's snapshot, consistent with itself (taken under the board's lock). */
    public synchronized Optional<RunSnapshot> run(String id) {
        return Optional.ofNullable(runs.get(id)).map(RunSnapshot::of);
    }

    /** The owner a run was submitted by ({@code lora_principal}), or empty when none or unknown. */
    public synchronized Optional<String> owner(String id) {
        return Optional.ofNullable(runs.get(id)).map(RunView::principal);
    }

    public synchronized List<SweepView> sweeps() {
        List<SweepView> all = new ArrayList<>(sweeps.values());
        all.sort(Comparator.comparingLong(SweepView::seq).reversed());
        return all;
    }

    public synchronized Optional<SweepView> sweep(String id) {
        return Optional.ofNullable(sweeps.get(id));
    }

    public synchronized int size() {
        return runs.size();
    }

    /** Records applied since start. */
    public long applied() {
        return applied.get();
    }

    /** Records skipped because the contract's parser refused them, per topic. */
    public Map<String, Long> skipped() {
        Map<String, Long> out = new java.util.TreeMap<>();
        skipped.forEach((t, n) -> out.put(t, n.get()));
        return out;
    }
}

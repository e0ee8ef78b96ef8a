package org.lorapipe.console.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.request.TrainingRequest;

/**
 * One run as the topics tell it: each stage's state, the newest progress and the loss curve so far, and
 * the outcome events. Built only from events ({@link RunBoard} applies them in the order Kafka gives a
 * key's records), so every replica of the console builds the same view. Not thread-safe: the board
 * guards it.
 */
public final class RunView {
    /** The stages in pipeline order. */
    public static final List<Stage> STAGES = List.of(Stage.DATASET, Stage.TRAINING, Stage.EVALUATION, Stage.MERGE);

    private final String requestId;
    private final long seq;
    private final Map<Stage, StageState> stages = new EnumMap<>(Stage.class);
    private final List<double[]> loss = new ArrayList<>();
    private final int maxLossPoints;
    private Instant firstSeen;
    private Instant updated;
    private String principal;
    private TrainingRequest request;
    private TrainingProgress progress;
    private DatasetPrepared dataset;
    private AdapterTrained adapter;
    private EvaluationCompleted evaluation;
    private ModelMerged merged;
    private PipelineFailed failure;
    private long version;

    RunView(String requestId, long seq, int maxLossPoints) {
        this.requestId = requestId;
        this.seq = seq;
        this.maxLossPoints = Math.max(2, maxLossPoints);
        STAGES.forEach(s -> stages.put(s, StageState.WAITING));
    }

    void requested(TrainingRequest r, String principal, Instant at) {
        if (request == null) { // the first request of an id names the run (the stages answer later ones from it)
            request = r;
            this.principal = principal;
        }
        advance(Stage.DATASET, StageState.RUNNING);
        touch(at);
    }

    void prepared(DatasetPrepared e) {
        adopt(e.request(), e.occurredAt());
        dataset = e;
        advance(Stage.DATASET, StageState.DONE);
        advance(Stage.TRAINING, StageState.RUNNING);
    }

    void progressed(TrainingProgress p) {
        adopt(p.request(), p.occurredAt());
        advance(Stage.DATASET, StageState.DONE);
        advance(Stage.TRAINING, StageState.RUNNING);
        if (progress == null || p.step() >= progress.step() || p.step() <= 1) {
            if (progress != null && p.step() < progress.step()) {
                loss.clear(); // the run started again (sent again after a failure): a new curve
            }
            progress = p;
            if (loss.isEmpty() || loss.get(loss.size() - 1)[0] < p.step()) {
                loss.add(new double[] {p.step(), p.loss()});
                if (loss.size() > maxLossPoints) {
                    thin();
                }
            }
        }
    }

    void trained(AdapterTrained e) {
        adopt(e.request(), e.occurredAt());
        adapter = e;
        advance(Stage.DATASET, StageState.DONE);
        advance(Stage.TRAINING, StageState.DONE);
        advance(Stage.EVALUATION, StageState.RUNNING);
    }

    void evaluated(EvaluationCompleted e) {
        adopt(e.request(), e.occurredAt());
        evaluation = e;
        STAGES.subList(0, 3).forEach(s -> advance(s, StageState.DONE));
        advance(Stage.MERGE, StageState.RUNNING);
    }

    void merged(ModelMerged e) {
        adopt(e.request(), e.occurredAt());
        merged = e;
        STAGES.subList(0, 3).forEach(s -> advance(s, StageState.DONE));
        stages.put(Stage.MERGE, Boolean.FALSE.equals(e.merged()) ? StageState.SKIPPED : StageState.DONE);
    }

    void failed(PipelineFailed e) {
        if (e.request() != null) {
            adopt(e.request(), e.occurredAt());
        } else {
            touch(e.occurredAt());
        }
        failure = e;
        if (e.stage() != null && stages.containsKey(e.stage())) {
            for (Stage s : STAGES) {
                if (s.ordinal() < e.stage().ordinal() && stages.get(s) != StageState.DONE) {
                    stages.put(s, StageState.DONE);
                }
            }
            stages.put(e.stage(), StageState.FAILED);
        }
    }

    /** A stage only moves forward: a late or repeated event never takes a stage back. */
    private void advance(Stage stage, StageState to) {
        StageState now = stages.get(stage);
        if (now == StageState.WAITING || (now == StageState.RUNNING && to != StageState.WAITING)) {
            stages.put(stage, to);
        } else if (now == StageState.FAILED && to == StageState.DONE) {
            stages.put(stage, to); // the run was sent again and got past the stage that failed
        }
    }

    private void adopt(TrainingRequest r, Instant at) {
        if (request == null) {
            request = r;
        }
        touch(at);
    }

    private void touch(Instant at) {
        Instant when = at == null ? Instant.now() : at;
        if (firstSeen == null || when.isBefore(firstSeen)) {
            firstSeen = when;
        }
        if (updated == null || when.isAfter(updated)) {
            updated = when;
        }
        version++;
    }

    /** Halves the curve, keeping the first and the newest point: memory stays bounded on any run length. */
    private void thin() {
        List<double[]> kept = new ArrayList<>(loss.size() / 2 + 2);
        for (int i = 0; i < loss.size() - 1; i += 2) {
            kept.add(loss.get(i));
        }
        kept.add(loss.get(loss.size() - 1));
        loss.clear();
        loss.addAll(kept);
    }

    /** The run's state in one word: failed, merged, not-merged, running or queued. */
    public String state() {
        if (merged != null) {
            return Boolean.FALSE.equals(merged.merged()) ? "not-merged" : "merged";
        }
        if (failure != null) {
            return "failed";
        }
        return progress != null || dataset != null || adapter != null || evaluation != null ? "running" : "queued";
    }

    public String requestId() {
        return requestId;
    }

    /** The order runs were first seen in; the board lists the newest first. */
    public long seq() {
        return seq;
    }

    public long version() {
        return version;
    }

    public String principal() {
        return principal;
    }

    public Instant firstSeen() {
        return firstSeen;
    }

    public Instant updated() {
        return updated;
    }

    public TrainingRequest request() {
        return request;
    }

    public StageState stage(Stage s) {
        return stages.get(s);
    }

    public TrainingProgress progress() {
        return progress;
    }

    /** The loss curve so far, [step, loss] pairs, thinned to at most the configured points. */
    public List<double[]> loss() {
        return List.copyOf(loss);
    }

    public DatasetPrepared dataset() {
        return dataset;
    }

    public AdapterTrained adapter() {
        return adapter;
    }

    public EvaluationCompleted evaluation() {
        return evaluation;
    }

    public ModelMerged merged() {
        return merged;
    }

    public PipelineFailed failure() {
        return failure;
    }
}

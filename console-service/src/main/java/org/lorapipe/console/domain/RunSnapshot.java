package org.lorapipe.console.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.request.TrainingRequest;

/**
 * What the run page shows of a run, copied out of its {@link RunView} under the board's lock: the JSON
 * of {@code GET /api/runs/{id}} and of each server-sent event of {@code /api/runs/{id}/events}.
 *
 * @param stages stage name (dataset, training, evaluation, merge) to its state
 * @param loss the loss curve so far, [step, loss] pairs
 * @param evaluation the base-vs-tuned rows, empty until the evaluation is published
 */
public record RunSnapshot(
        String requestId,
        String state,
        String owner,
        Instant firstSeen,
        Instant updated,
        long version,
        Map<String, String> stages,
        TrainingRequest request,
        TrainingProgress progress,
        List<double[]> loss,
        DatasetPrepared dataset,
        AdapterTrained training,
        String reportUri,
        List<EvaluationRow> evaluation,
        ModelMerged merge,
        PipelineFailed failure) {

    static RunSnapshot of(RunView v) {
        Map<String, String> stages = new LinkedHashMap<>();
        RunView.STAGES.forEach(s -> stages.put(s.wire(), v.stage(s).wire()));
        TrainingProgress p = v.progress();
        return new RunSnapshot(
                v.requestId(),
                v.state(),
                v.principal(),
                v.firstSeen(),
                v.updated(),
                v.version(),
                stages,
                v.request(),
                p == null ? null : withoutRequest(p),
                v.loss(),
                v.dataset(),
                v.adapter(),
                v.evaluation() == null ? null : v.evaluation().reportUri(),
                v.evaluation() == null ? List.of() : EvaluationRow.of(v.evaluation()),
                v.merged(),
                v.failure());
    }

    /** The progress event without the request it carries: the snapshot has it once. */
    private static TrainingProgress withoutRequest(TrainingProgress p) {
        return new TrainingProgress(
                p.schemaVersion(),
                p.requestId(),
                p.occurredAt(),
                null,
                p.step(),
                p.totalSteps(),
                p.epoch(),
                p.loss(),
                p.learningRate(),
                p.tokensPerSecond(),
                p.elapsedMs(),
                p.etaMs(),
                p.memory());
    }

    /** The line of the runs list. */
    public Summary summary() {
        return new Summary(
                requestId,
                state,
                owner,
                firstSeen,
                updated,
                stages,
                request == null ? null : request.baseModel(),
                progress == null || progress.totalSteps() <= 0
                        ? null
                        : Math.min(1.0, progress.step() / (double) progress.totalSteps()),
                failure == null || failure.error() == null
                        ? null
                        : failure.error().code());
    }

    /** A run in the runs list. */
    public record Summary(
            String requestId,
            String state,
            String owner,
            Instant firstSeen,
            Instant updated,
            Map<String, String> stages,
            String baseModel,
            Double trainingFraction,
            String errorCode) {}
}

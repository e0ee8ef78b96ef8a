package org.lorapipe.console.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.json.Json;
import org.lorapipe.service.testing.SampleEvents;

/** The read model built from events alone: stage states, bounds, and records the parser refuses. */
class RunBoardTest {
    private final RunBoard board = new RunBoard(new EventParser("lora"), 3, 2, 8);

    private static String progress(String id, long step, long total, double loss) {
        return Json.write(new TrainingProgress(
                PipelineEvent.SCHEMA_VERSION,
                id,
                Instant.now(),
                SampleEvents.request(id),
                step,
                total,
                0.1,
                loss,
                1e-3,
                1000,
                10,
                10,
                null));
    }

    @Test
    void eachEventMovesItsStage() {
        String id = "run-a";
        assertThat(board.apply(Topics.TRAINING_REQUESTED, id, SampleEvents.requestJson(id), "alice"))
                .isTrue();
        assertThat(board.run(id).orElseThrow().stages()).containsEntry("dataset", "running");
        assertThat(board.run(id).orElseThrow().owner()).isEqualTo("alice");
        Instant sent = Instant.parse("2026-11-30T01:02:03Z");
        board.apply(Topics.TRAINING_REQUESTED, "run-t", SampleEvents.requestJson("run-t"), null, sent);
        assertThat(board.run("run-t").orElseThrow().firstSeen())
                .as("the record's time")
                .isEqualTo(sent);
        board.apply(Topics.DATASET_PREPARED, id, SampleEvents.datasetPrepared(id), null);
        board.apply(Topics.TRAINING_PROGRESS, id, progress(id, 1, 10, 3.0), null);
        board.apply(Topics.TRAINING_PROGRESS, id, progress(id, 5, 10, 2.0), null);
        RunSnapshot training = board.run(id).orElseThrow();
        assertThat(training.state()).isEqualTo("running");
        assertThat(training.stages()).containsEntry("dataset", "done").containsEntry("training", "running");
        assertThat(training.progress().step()).isEqualTo(5);
        assertThat(training.loss()).hasSize(2);

        board.apply(Topics.ADAPTER_TRAINED, id, SampleEvents.adapterTrained(id), null);
        board.apply(Topics.EVALUATION_COMPLETED, id, SampleEvents.evaluationCompleted(id), null);
        RunSnapshot evaluated = board.run(id).orElseThrow();
        assertThat(evaluated.stages())
                .containsEntry("training", "done")
                .containsEntry("evaluation", "done")
                .containsEntry("merge", "running");
        assertThat(evaluated.evaluation()).singleElement().satisfies(r -> {
            assertThat(r.metric()).isEqualTo("perplexity");
            assertThat(r.difference()).isEqualTo(-1.5);
        });
    }

    @Test
    void aFailureShowsItsStageAndProblems() {
        String id = "run-f";
        board.apply(Topics.TRAINING_REQUESTED, id, SampleEvents.requestJson(id), null);
        PipelineFailed failed = PipelineFailed.of(
                id,
                SampleEvents.request(id),
                Stage.DATASET,
                "INVALID_INPUT",
                "the dataset has problems",
                false,
                List.of("record 3: output is empty", "record 9: not JSON"));
        board.apply(Topics.PIPELINE_FAILED, id, Json.write(failed), null);
        RunSnapshot run = board.run(id).orElseThrow();
        assertThat(run.state()).isEqualTo("failed");
        assertThat(run.stages()).containsEntry("dataset", "failed").containsEntry("training", "waiting");
        assertThat(run.failure().problems()).hasSize(2);
    }

    @Test
    void memoryIsBoundedAndTheNewestRunsComeFirst() {
        for (int i = 1; i <= 5; i++) {
            board.apply(Topics.TRAINING_REQUESTED, "r" + i, SampleEvents.requestJson("r" + i), null);
        }
        assertThat(board.size()).isEqualTo(3);
        assertThat(board.runs(v -> true, 10)).extracting(RunSnapshot::requestId).containsExactly("r5", "r4", "r3");
        for (int step = 1; step <= 100; step++) {
            board.apply(Topics.TRAINING_PROGRESS, "r5", progress("r5", step, 100, 1.0 / step), null);
        }
        List<double[]> loss = board.run("r5").orElseThrow().loss();
        assertThat(loss.size()).isLessThanOrEqualTo(8);
        assertThat(loss.get(0)[0]).isEqualTo(1);
        assertThat(loss.get(loss.size() - 1)[0]).isEqualTo(100);
    }

    @Test
    void recordsTheParserRefusesAreSkippedAndCounted() {
        assertThat(board.apply(Topics.TRAINING_REQUESTED, "x", "not json", null))
                .isFalse();
        assertThat(board.apply(Topics.ADAPTER_TRAINED, "x", SampleEvents.withInvalidRequest("x"), null))
                .isFalse();
        assertThat(board.size()).isZero();
        assertThat(board.skipped())
                .containsEntry(Topics.TRAINING_REQUESTED, 1L)
                .containsEntry(Topics.ADAPTER_TRAINED, 1L);
    }

    @Test
    void aSweepIsItsNewestTableAndACompletionIsNeverUndone() {
        var setting = new org.lorapipe.contract.sweep.SweepSetting(1, "lora.r=4", java.util.Map.of());
        var queued = new org.lorapipe.contract.sweep.SweepRunStatus(
                1, "s-1", 1, 1, "queued", null, null, null, null, null, null, null);
        var ended = new org.lorapipe.contract.sweep.SweepRunStatus(
                1, "s-1", 1, 1, "merged", 0.5, 0.6, 1L << 28, 1L << 28, 900.0, 1000L, null);
        String progress = Json.write(new org.lorapipe.contract.sweep.SweepProgress(
                1, "s", Instant.now(), "t", 1, 0, 0, List.of(setting), List.of(queued), null));
        String completed = Json.write(new org.lorapipe.contract.sweep.SweepCompleted(
                1, "s", Instant.now(), "t", 1, 0, List.of(setting), List.of(ended), "s3://lora/sweeps/s/report/"));
        assertThat(board.apply(Topics.SWEEP_PROGRESS, "s", progress, null)).isTrue();
        assertThat(board.sweep("s").orElseThrow().runs())
                .extracting(r -> r.state())
                .containsExactly("queued");
        board.apply(Topics.SWEEP_COMPLETED, "s", completed, null);
        board.apply(Topics.SWEEP_PROGRESS, "s", progress, null); // late: changes nothing
        SweepView sweep = board.sweep("s").orElseThrow();
        assertThat(sweep.completed()).isTrue();
        assertThat(sweep.runs()).extracting(r -> r.state()).containsExactly("merged");
    }

    @Test
    void problemsNameTheirField() {
        assertThat(FieldProblem.of("lora.r must be a positive integer, got 0").field())
                .isEqualTo("lora.r");
        assertThat(FieldProblem.of("evaluation.tasks[1].uri is required for task 'arc'")
                        .field())
                .isEqualTo("evaluation.tasks[1].uri");
        assertThat(FieldProblem.of("unknown field lora.rr (did you mean lora.r?)")
                        .field())
                .isEqualTo("lora.rr");
        assertThat(FieldProblem.of("the record is not JSON").field()).isNull();
    }
}

package org.lorapipe.sweep.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.lorapipe.sweep.report.Sweeps.MIB;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepRun;
import org.lorapipe.contract.sweep.SweepRunEnded;

/** Means, sample standard deviations and marks of a six-run sweep, against values worked out by hand. */
class AggregationTest {

    private static final Offset<Double> E = within(1e-9);

    static final SweepPlan PLAN =
            Sweeps.plan("{ \"sweepId\": \"rank\", %s, \"grid\": { \"lora.r\": [4, 8] }, \"seeds\": [1, 2, 3] }");

    private static JsonNode evaluation(double acc, double accStderr, double ppl, double pplStderr) {
        return new Sweeps.Evaluation()
                .task("arc", "arc")
                .compared("acc", 0.25, acc, accStderr, true)
                .metric("n", 40, 40)
                .task("perplexity", "perplexity")
                .compared("perplexity", 6.0, ppl, pplStderr, false)
                .metric("nll", 1.8, 0.4)
                .json();
    }

    private static RunResult trained(
            int n, double loss, double validation, double peakMib, double tps, long ms, JsonNode eval, Long predicted) {
        SweepRun run = PLAN.run(n).orElseThrow();
        return new RunResult(
                run, Sweeps.trained(run), Sweeps.training(loss, validation, peakMib, tps, ms), eval, predicted);
    }

    /**
     * Setting 1 (lora.r=4): runs 1-3 (run 1 merged, the others trained without a merge); setting 2
     * (lora.r=8): runs 4 and 6 trained, run 5 failed.
     */
    static List<RunResult> results() {
        long predicted = (long) (1000 * MIB);
        SweepRun one = PLAN.run(1).orElseThrow();
        SweepRun five = PLAN.run(5).orElseThrow();
        return List.of(
                new RunResult(
                        one,
                        Sweeps.merged(one),
                        Sweeps.training(1.0, 1.1, 900, 7000, 60_000),
                        evaluation(0.40, 0.05, 1.3, 0.2),
                        predicted),
                trained(2, 1.2, 1.1, 1000, 7200, 62_000, evaluation(0.45, 0.04, 1.2, Double.NaN), predicted),
                trained(3, 1.5, 1.1, 1100, 6800, 58_000, evaluation(0.50, 0.03, 1.1, 0.1), predicted),
                trained(4, 0.95, 2.0, 800, 9000, 40_000, evaluation(0.60, 0.05, 1.2, 0.1), null),
                // failed after training and evaluation: its (very good) figures must not count
                new RunResult(
                        five,
                        Sweeps.failed(five, "merge", "INTERNAL", "out of memory | while merging\nlayer 3"),
                        Sweeps.training(0.1, 0.1, 100, 1, 1),
                        evaluation(0.99, 0.01, 1.0, 0.01),
                        null),
                trained(6, 1.05, 2.2, 820, 9200, 41_000, evaluation(0.70, 0.05, 1.1, 0.1), null));
    }

    private final SweepReport report = SweepReports.report(PLAN, results(), Sweeps.AT);
    private final SettingReport r4 = report.settings().get(0);
    private final SettingReport r8 = report.settings().get(1);

    @Test
    void countsRunsBySettingAndState() {
        assertThat(report.runsTotal()).isEqualTo(6);
        assertThat(report.runsTrained()).isEqualTo(5);
        assertThat(report.runsFailed()).isEqualTo(1);
        assertThat(report.runsQueued()).isZero();
        assertThat(r4.seeds()).isEqualTo(new SeedCounts(3, 3, 0, 0));
        assertThat(r8.seeds()).isEqualTo(new SeedCounts(3, 2, 1, 0));
        assertThat(r4.label()).isEqualTo("lora.r=4");
    }

    @Test
    void trainingFiguresAreMeansAndSampleStandardDeviationsOverTrainedSeeds() {
        TrainingSummary t = r4.training();
        // 1.0, 1.2, 1.5: mean 3.7 / 3; squares 0.054444 + 0.001111 + 0.071111 = 0.126667; / (3 - 1)
        assertThat(t.trainLoss().n()).isEqualTo(3);
        assertThat(t.trainLoss().mean()).isCloseTo(1.2333333333, within(1e-9));
        assertThat(t.trainLoss().sd()).isCloseTo(Math.sqrt(0.126666666667 / 2), within(1e-9));
        assertThat(t.validationLoss()).isEqualTo(new Summary(3, 1.1, 0.0)); // equal values: exactly
        assertThat(t.peakRssBytes().mean() / MIB).isCloseTo(1000, within(1e-6));
        assertThat(t.peakRssBytes().sd() / MIB).isCloseTo(100, within(1e-6));
        assertThat(t.tokensPerSecond().mean()).isCloseTo(7000, E);
        assertThat(t.tokensPerSecond().sd()).isCloseTo(200, E);
        assertThat(t.durationMs().mean()).isCloseTo(60_000, E);
        assertThat(t.durationMs().sd()).isCloseTo(2000, E);
        assertThat(t.trainableParameters().mean()).isEqualTo(50_848.0);
        // predicted 1000 MiB against 900, 1000, 1100: +1/9, 0, -1/11
        assertThat(t.predictedPeakBytes().mean() / MIB).isCloseTo(1000, within(1e-6));
        assertThat(t.predictionError().n()).isEqualTo(3);
        assertThat(t.predictionError().mean()).isCloseTo((1.0 / 9 - 1.0 / 11) / 3, within(1e-6));

        // lora.r=8: runs 4 and 6 only; run 5 failed (train loss 0.1) is not counted
        TrainingSummary u = r8.training();
        assertThat(u.trainLoss().n()).isEqualTo(2);
        assertThat(u.trainLoss().mean()).isCloseTo(1.0, E);
        assertThat(u.trainLoss().sd()).isCloseTo(Math.sqrt(0.005), E);
        assertThat(u.validationLoss().mean()).isCloseTo(2.1, E);
        assertThat(u.validationLoss().sd()).isCloseTo(Math.sqrt(0.02), E);
        assertThat(u.predictedPeakBytes().known()).isFalse();
        assertThat(u.predictionError().n()).isZero();
    }

    @Test
    void evaluationMetricsCarryTheBaseTheDifferenceAndThePairedErrorOfTheSeeds() {
        assertThat(report.metrics())
                .containsExactly(
                        new MetricName("arc", "acc", true),
                        new MetricName("arc", "n", null),
                        new MetricName("perplexity", "perplexity", false),
                        new MetricName("perplexity", "nll", null));
        MetricResult acc = r4.evaluation().get(0);
        assertThat(acc.tuned().mean()).isCloseTo(0.45, E);
        assertThat(acc.tuned().sd()).isCloseTo(0.05, E);
        assertThat(acc.base().mean()).isCloseTo(0.25, E);
        assertThat(acc.difference().mean()).isCloseTo(0.20, E);
        assertThat(acc.difference().sd()).isCloseTo(0.05, E);
        // root mean square of 0.05, 0.04, 0.03
        assertThat(acc.pairedStderr()).isCloseTo(Math.sqrt((0.0025 + 0.0016 + 0.0009) / 3), E);
        // run 2's paired error is NaN ("NaN" in the file): the other two are combined
        MetricResult ppl = r4.evaluation().get(2);
        assertThat(ppl.tuned().mean()).isCloseTo(1.2, E);
        assertThat(ppl.tuned().sd()).isCloseTo(0.1, E);
        assertThat(ppl.pairedStderr()).isCloseTo(Math.sqrt((0.04 + 0.01) / 2), E);
        MetricResult n = r4.evaluation().get(1);
        assertThat(n.tuned()).isEqualTo(new Summary(3, 40.0, 0.0));
        assertThat(n.pairedStderr()).isNull();

        MetricResult acc8 = r8.evaluation().get(0);
        assertThat(acc8.tuned().n()).isEqualTo(2); // not run 5's 0.99
        assertThat(acc8.tuned().mean()).isCloseTo(0.65, E);
        assertThat(acc8.tuned().sd()).isCloseTo(Math.sqrt(0.005), E);
        assertThat(acc8.pairedStderr()).isCloseTo(0.05, E);
    }

    @Test
    void marksTellDifferencesWithinTheSeedSpreadOfTheBestFromLargerOnes() {
        // train loss, lower is better: best lora.r=8 (1.0); |1.2333 - 1.0| <= max(0.2517, 0.0707)
        assertThat(r8.training().trainLossMark()).isEqualTo(Mark.BEST);
        assertThat(r4.training().trainLossMark()).isEqualTo(Mark.WITHIN_SPREAD);
        // validation loss: best lora.r=4 (1.1); |2.1 - 1.1| > max(0, 0.1414)
        assertThat(r4.training().validationLossMark()).isEqualTo(Mark.BEST);
        assertThat(r8.training().validationLossMark()).isEqualTo(Mark.BEYOND_SPREAD);
        // acc, higher is better: best lora.r=8 (0.65); |0.45 - 0.65| > max(0.05, 0.0707)
        assertThat(r8.evaluation().get(0).mark()).isEqualTo(Mark.BEST);
        assertThat(r4.evaluation().get(0).mark()).isEqualTo(Mark.BEYOND_SPREAD);
        // perplexity, lower is better: best lora.r=8 (1.15); |1.2 - 1.15| <= max(0.1, 0.0707)
        assertThat(r8.evaluation().get(2).mark()).isEqualTo(Mark.BEST);
        assertThat(r4.evaluation().get(2).mark()).isEqualTo(Mark.WITHIN_SPREAD);
        // no direction, no mark
        assertThat(r4.evaluation().get(1).mark()).isNull();
        assertThat(r8.evaluation().get(3).mark()).isNull();
    }

    @Test
    void theFailedRunIsListedWithItsStageAndErrorButCountsNowhere() {
        RunReport five = report.runs().get(4);
        assertThat(five.state()).isEqualTo(SweepRunEnded.FAILED);
        assertThat(five.trained()).isFalse();
        assertThat(five.stage()).isEqualTo("merge");
        assertThat(five.error().code()).isEqualTo("INTERNAL");
        assertThat(five.trainLoss()).isEqualTo(0.1); // what it got to, shown but not counted
        RunReport one = report.runs().get(0);
        assertThat(one.state()).isEqualTo(SweepRunEnded.MERGED);
        assertThat(one.trained()).isTrue();
        assertThat(report.runs().get(1).state()).isEqualTo(SweepRunEnded.NOT_MERGED);
        assertThat(one.evaluation().get("arc")).containsEntry("acc", 0.40);
        assertThat(one.predictedPeakBytes()).isEqualTo((long) (1000 * MIB));
    }

    @Test
    void withOneSeedThereIsNoSpreadAndNothingIsMarked() {
        SweepPlan plan = Sweeps.plan("{ \"sweepId\": \"one\", %s, \"grid\": { \"lora.r\": [4, 8] }, \"seeds\": [7] }");
        List<RunResult> results = List.of(
                new RunResult(
                        plan.runs().get(0),
                        Sweeps.trained(plan.runs().get(0)),
                        Sweeps.training(1.0, 1.2, 700, 8000, 50_000),
                        Sweeps.arc(0.4, 0.05),
                        null),
                new RunResult(
                        plan.runs().get(1),
                        Sweeps.trained(plan.runs().get(1)),
                        Sweeps.training(0.8, 1.1, 720, 7900, 51_000),
                        Sweeps.arc(0.5, 0.05),
                        null));
        SweepReport one = SweepReports.report(plan, results, Sweeps.AT);
        for (SettingReport s : one.settings()) {
            assertThat(s.training().trainLoss().n()).isEqualTo(1);
            assertThat(s.training().trainLoss().sd()).isNull();
            assertThat(s.training().trainLossMark()).isNull();
            assertThat(s.training().validationLossMark()).isNull();
            assertThat(s.evaluation().get(0).mark()).isNull();
            assertThat(s.evaluation().get(0).tuned().sd()).isNull();
        }
    }

    @Test
    void aSettingWithOneTrainedSeedIsMarkedAgainstTheSpreadOfTheOther() {
        List<Summary> summaries = List.of(
                new Summary(1, 0.50, null), new Summary(3, 0.60, 0.05), new Summary(1, 0.58, null), Summary.EMPTY);
        assertThat(SeedSpread.marks(summaries, true))
                .containsExactly(Mark.BEYOND_SPREAD, Mark.BEST, Mark.WITHIN_SPREAD, null);
        // neither of a pair has a spread: nothing to compare with
        List<Summary> pair = List.of(new Summary(1, 0.50, null), new Summary(1, 0.60, null), new Summary(2, 0.1, 0.01));
        assertThat(SeedSpread.marks(pair, true)).containsExactly(null, Mark.BEST, Mark.BEYOND_SPREAD);
        // a tie: the first is best, the second within any spread
        assertThat(SeedSpread.marks(List.of(new Summary(2, 1.0, 0.1), new Summary(2, 1.0, 0.0)), false))
                .containsExactly(Mark.BEST, Mark.WITHIN_SPREAD);
    }

    @Test
    void summariesCountOnlyFiniteValues() {
        assertThat(Summary.of(List.of())).isEqualTo(Summary.EMPTY);
        assertThat(Summary.of(java.util.Arrays.asList(2.0, null, Double.NaN, 4.0, Double.POSITIVE_INFINITY)))
                .isEqualTo(new Summary(2, 3.0, Math.sqrt(2)));
        assertThat(Summary.of(List.of(5.0))).isEqualTo(new Summary(1, 5.0, null));
    }
}

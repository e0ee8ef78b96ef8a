package org.lorapipe.sweep.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipe.charts.SvgDocument;
import org.lorapipe.charts.SvgDotPlot;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepRun;
import org.lorapipe.contract.sweep.SweepSetting;

/** The report folder as the sweep-service gets it: its files, their JSON, Markdown and SVG. */
class SweepReportsTest {

    private static final SweepPlan EXAMPLE = ExampleSweep.PLAN;

    @Test
    void theExampleSweepHasItsTablesChartsAndFilesInOrder() {
        Map<String, byte[]> files = SweepReports.render(EXAMPLE, ExampleSweep.results(), Sweeps.AT);
        assertThat(files.keySet())
                .containsExactly(
                        "report.json",
                        "report.md",
                        "metrics-by-lora.r.svg",
                        "metrics-by-training.optimizer.svg",
                        "loss.svg",
                        "memory.svg",
                        "time.svg");
        JsonNode json = Json.mapper().valueToTree(Json.read(Sweeps.text(files, "report.json"), JsonNode.class));
        assertThat(json.path("files")).extracting(JsonNode::asText).containsExactlyElementsOf(files.keySet());
        String md = Sweeps.text(files, "report.md");
        assertThat(md)
                .startsWith("# Sweep: Rank (alpha = 2r) × optimizer\n")
                .contains("18 runs (6 settings × 3 seeds): 14 trained, 2 failed, 2 queued.")
                .contains("- `lora.r` with `lora.alpha`: 4, 8 · 8, 16 · 16, 32")
                .contains("| # | setting | n | train loss ↓ | validation loss ↓ | peak memory |")
                .contains("### Evaluation: held-out-pairings")
                .contains("| pass\\_rate ↑ | pass\\_rate vs base |")
                .contains("sqrt(mean(SE²))")
                .contains("![Metrics by lora.r, lora.alpha](metrics-by-lora.r.svg)")
                .contains("![Training loss](loss.svg)")
                .contains("| 5 | `rank-opt-5` | 2 | 2 | failed | trainer | RESOURCE\\_EXHAUSTED: the trainer ran out")
                .contains("| 17 | `rank-opt-17` | 6 | 2 | queued |  |  |");
        // the escaped error message stays in its cell and on its line
        assertThat(md).contains("INTERNAL: merge: tensor \\<lm\\_head\\> \\| shape \\[512, 64\\] not found |");
    }

    @Test
    void everyTrainedRunIsListedWithItsMemoryEstimatesError() {
        String md = Sweeps.text(SweepReports.render(EXAMPLE, ExampleSweep.results(), Sweeps.AT), "report.md");
        String runs = md.substring(md.indexOf("## Runs\n"), md.indexOf("## Runs not counted"));
        List<String> rows =
                runs.lines().filter(l -> l.matches("\\| \\d+ \\|.*")).toList();
        assertThat(rows).hasSize(14); // 18 runs: 2 failed, 2 queued
        assertThat(rows.get(0))
                .startsWith("| 1 | 1 | 1 | ")
                .contains("| 628 MiB | ")
                .containsPattern("[+−]\\d+\\.\\d%");
        assertThat(rows).noneMatch(r -> r.startsWith("| 5 |") || r.startsWith("| 17 |"));
    }

    @Test
    void reportJsonReadsBackAsTheSameRecords() {
        List<RunResult> results = ExampleSweep.results();
        Map<String, byte[]> files = SweepReports.render(EXAMPLE, results, Sweeps.AT);
        SweepReport read = Json.read(Sweeps.text(files, "report.json"), SweepReport.class);
        SweepReport expected =
                SweepReports.report(EXAMPLE, results, Sweeps.AT).withFiles(new ArrayList<>(files.keySet()));
        assertThat(read).isEqualTo(expected);
        assertThat(read.settings().get(4).training().trainLossMark()).isEqualTo(Mark.BEST);
        assertThat(read.runs().get(9).error().code()).isEqualTo("INTERNAL");
    }

    @Test
    void renderingIsDeterministicWhateverTheOrderOfTheResults() {
        List<RunResult> results = ExampleSweep.results();
        List<RunResult> reversed = new ArrayList<>(results);
        Collections.reverse(reversed);
        Map<String, byte[]> a = SweepReports.render(EXAMPLE, results, Sweeps.AT);
        Map<String, byte[]> b = SweepReports.render(EXAMPLE, reversed, Sweeps.AT);
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        a.forEach((name, bytes) -> assertThat(b.get(name)).as(name).isEqualTo(bytes));
        // another time changes the two files that say when, and nothing else
        Map<String, byte[]> later = SweepReports.render(EXAMPLE, results, Sweeps.AT.plusSeconds(60));
        a.forEach((name, bytes) -> {
            if (name.endsWith(".svg")) {
                assertThat(later.get(name)).as(name).isEqualTo(bytes);
            } else {
                assertThat(later.get(name)).as(name).isNotEqualTo(bytes);
            }
        });
    }

    @Test
    void theChartsAreWellFormedWithAPointPerTrainedSeedAndACurvePerTrainedRun() {
        Map<String, byte[]> files = SweepReports.render(EXAMPLE, ExampleSweep.results(), Sweeps.AT);
        files.keySet().stream().filter(n -> n.endsWith(".svg")).forEach(n -> SvgDocument.parse(files.get(n)));
        // 4 panels (train loss, validation loss, pass_rate, perplexity) x 14 trained runs, 6 settings
        SvgDocument byRank = SvgDocument.parse(files.get("metrics-by-lora.r.svg"));
        assertThat(byRank.count("circle", SvgDotPlot.VALUE_CLASS)).isEqualTo(4 * 14);
        assertThat(byRank.count("circle", SvgDotPlot.MEAN_CLASS)).isEqualTo(4 * 6);
        assertThat(byRank.texts())
                .contains("training.optimizer=adamw", "training.optimizer=sgd", "4, 8", "16, 32", "lora.r, lora.alpha");
        SvgDocument byOptimizer = SvgDocument.parse(files.get("metrics-by-training.optimizer.svg"));
        assertThat(byOptimizer.texts())
                .contains("lora.r=4, lora.alpha=8", "lora.r=8, lora.alpha=16", "lora.r=16, lora.alpha=32");
        // a series per rank, its means joined from adamw to sgd in each of the 4 panels
        assertThat(byOptimizer.elements("polyline")).hasSize(3 * 4);
        SvgDocument loss = SvgDocument.parse(files.get("loss.svg"));
        assertThat(loss.elements("polyline")).hasSize(14);
        assertThat(loss.elements("polyline"))
                .allSatisfy(p -> assertThat(p.getAttribute("points").split(" ")).hasSize(LossCurves.MAX_POINTS));
        SvgDocument memory = SvgDocument.parse(files.get("memory.svg"));
        assertThat(memory.texts()).contains("measured", "predicted before training", "#1", "#6");
        SvgDocument time = SvgDocument.parse(files.get("time.svg"));
        assertThat(time.texts()).contains("wall time (s)", "tokens/s");
    }

    @Test
    void aSweepWithOnlyQueuedRunsListsThemAndDrawsOnlyWhatIsKnown() {
        SweepPlan plan =
                Sweeps.plan("{ \"sweepId\": \"new\", %s, \"grid\": { \"lora.r\": [4, 8] }, \"seeds\": [1, 2] }");
        Map<String, byte[]> files = SweepReports.render(plan, List.of(), Sweeps.AT);
        assertThat(files.keySet()).containsExactly("report.json", "report.md");
        String md = Sweeps.text(files, "report.md");
        assertThat(md)
                .contains("0 trained, 0 failed, 4 queued.")
                .contains("No run has trained yet")
                .doesNotContain("## Charts")
                .contains("| 4 | `new-4` | 2 | 2 | queued |  |  |");
        SweepReport report = Json.read(Sweeps.text(files, "report.json"), SweepReport.class);
        assertThat(report.runsQueued()).isEqualTo(4);
        assertThat(report.runs()).allSatisfy(r -> assertThat(r.state()).isEqualTo("queued"));
        assertThat(report.metrics()).isEmpty();

        // predictions are known before anything trains: the memory chart shows them alone
        List<RunResult> predicted = new ArrayList<>();
        for (SweepRun run : plan.runs()) {
            predicted.add(new RunResult(run, null, null, null, 700L * 1024 * 1024));
        }
        Map<String, byte[]> withPredictions = SweepReports.render(plan, predicted, Sweeps.AT);
        assertThat(withPredictions.keySet()).containsExactly("report.json", "report.md", "memory.svg");
        assertThat(SvgDocument.parse(withPredictions.get("memory.svg")).texts()).contains("700.0", "n/a");
    }

    @Test
    void withOneSeedTheReportSaysThereIsNoSpreadInsteadOfMarking() {
        SweepPlan plan =
                Sweeps.plan("{ \"sweepId\": \"once\", %s, \"grid\": { \"lora.r\": [4, 8, 16] }, \"seeds\": [42] }");
        List<RunResult> results = Sweeps.allTrained(
                plan,
                run -> Sweeps.training(1.0 / run.n(), 1.1 / run.n(), 700, 8000, 60_000),
                run -> Sweeps.arc(0.3 + 0.1 * run.n(), 0.05));
        Map<String, byte[]> files = SweepReports.render(plan, results, Sweeps.AT);
        String md = Sweeps.text(files, "report.md");
        assertThat(md)
                .contains("The sweep has one seed per setting, so there is no seed spread")
                .doesNotContain("**")
                .doesNotContain(" ≈")
                .contains("| 3 | lora.r=16 | 1 | 0.3333 | 0.3667 |");
        SvgDocument chart = SvgDocument.parse(files.get("metrics-by-lora.r.svg"));
        assertThat(chart.count("circle", SvgDotPlot.MEAN_CLASS)).isEqualTo(3 * 3);
    }

    @Test
    void twoGridAxesGetAChartEachWithASeriesPerValueOfTheOther() {
        SweepPlan plan = Sweeps.plan(
                """
                { "sweepId": "grid", %s,
                  "grid": { "lora.r": [4, 8, 16], "training.learningRate": [0.001, 0.003] }, "seeds": [1, 2] }""");
        List<RunResult> results = Sweeps.allTrained(
                plan,
                run -> Sweeps.training(0.5 + 0.01 * run.n(), 0.6, 700, 8000, 60_000),
                run -> Sweeps.arc(0.5, 0.05));
        Map<String, byte[]> files = SweepReports.render(plan, results, Sweeps.AT);
        SvgDocument byRank = SvgDocument.parse(files.get("metrics-by-lora.r.svg"));
        assertThat(byRank.texts())
                .contains("training.learningRate=0.001", "training.learningRate=0.003", "4", "8", "16");
        assertThat(byRank.count("circle", SvgDotPlot.VALUE_CLASS)).isEqualTo(3 * 12);
        SvgDocument byRate = SvgDocument.parse(files.get("metrics-by-training.learningRate.svg"));
        assertThat(byRate.texts()).contains("lora.r=4", "lora.r=8", "lora.r=16", "0.001", "0.003");
        assertThat(Sweeps.text(files, "report.md"))
                .contains("- `lora.r`: 4 · 8 · 16")
                .contains("- `training.learningRate`: 0.001 · 0.003");
    }

    @Test
    void settingsThatMeetAtOnePlaceGetASeriesEachAndASweepThatVariesNothingAChartBySetting() {
        // lora.r is 8 in the base: settings 1 and 2 have the same value of every axis
        SweepPlan plan = Sweeps.plan(
                """
                { "sweepId": "same", %s,
                  "settings": [ { "lora.r": 8, "training.optimizer": "sgd" }, { "training.optimizer": "sgd" },
                                { "lora.r": 4, "training.optimizer": "adamw" } ], "seeds": [1, 2] }""");
        Map<String, byte[]> files = SweepReports.render(plan, trainedAll(plan), Sweeps.AT);
        SvgDocument chart = SvgDocument.parse(files.get("metrics-by-lora.r.svg"));
        assertThat(chart.texts()).contains("#1 lora.r=8, training.optimizer=sgd", "#2 training.optimizer=sgd");

        SweepPlan repeat = Sweeps.plan("{ \"sweepId\": \"repeat\", %s, \"seeds\": [1, 2, 3] }");
        Map<String, byte[]> repeated = SweepReports.render(repeat, trainedAll(repeat), Sweeps.AT);
        assertThat(repeated).containsKey("metrics-by-setting.svg");
        assertThat(SvgDocument.parse(repeated.get("metrics-by-setting.svg")).count("circle", SvgDotPlot.VALUE_CLASS))
                .isEqualTo(3 * 3);
        assertThat(Sweeps.text(repeated, "report.md")).contains("No setting changes the base request");
    }

    @Test
    void namedSettingsGoByTheirNamesInTheChartsAndTables() {
        SweepPlan plan = Sweeps.plan(
                """
                { "sweepId": "named", %s,
                  "settings": [ { "name": "small <r>", "lora.r": 4, "lora.alpha": 8 },
                                { "name": "large", "lora.r": 32, "lora.alpha": 64 } ],
                  "grid": { "training.optimizer": ["adamw", "sgd"] }, "seeds": [1, 2] }""");
        Map<String, byte[]> files = SweepReports.render(plan, trainedAll(plan), Sweeps.AT);
        SvgDocument byRank = SvgDocument.parse(files.get("metrics-by-lora.r.svg"));
        assertThat(byRank.texts()).contains("small <r>", "large").doesNotContain("4, 8");
        SvgDocument byOptimizer = SvgDocument.parse(files.get("metrics-by-training.optimizer.svg"));
        assertThat(byOptimizer.texts()).contains("small <r>", "large", "adamw", "sgd");
        assertThat(Sweeps.text(files, "report.md"))
                .contains("- `lora.r` with `lora.alpha`: small \\<r\\> (4, 8) · large (32, 64)")
                .contains("| 2 | small \\<r\\>, training.optimizer=sgd | 2 |");
    }

    @Test
    void requestTextIsEscapedInMarkdownAndSvgAndNoNumberIsNaN() {
        SweepPlan parsed =
                Sweeps.plan("{ \"sweepId\": \"esc\", %s, \"grid\": { \"lora.r\": [4, 8] }, \"seeds\": [1, 2] }");
        String title = "<script>alert(\"x\")</script> & *bold* | $x$";
        String label = "lora.r=4 | ![img](http://x)\n# heading";
        List<SweepSetting> settings =
                List.of(new SweepSetting(1, label, parsed.setting(1).overrides()), parsed.setting(2));
        SweepPlan plan = new SweepPlan(
                parsed.sweepId(), title, parsed.axes(), settings, parsed.seeds(), parsed.runs(), parsed.request());
        List<RunResult> results = new ArrayList<>();
        for (SweepRun run : plan.runs()) {
            TrainingMetrics m = new TrainingMetrics(
                    0.5 + 0.1 * run.n(), Double.NaN, 1000, 60_000, 700L << 20, Double.POSITIVE_INFINITY, 10, 100);
            List<LossPoint> losses = List.of(new LossPoint(1, 2.0, 1e-3), new LossPoint(2, Double.NaN, 1e-3));
            results.add(new RunResult(
                    run,
                    Sweeps.trained(run),
                    new TrainingRecord(m, losses),
                    new Sweeps.Evaluation()
                            .task("arc", "arc")
                            .compared("acc", 0.25, 0.5, Double.NaN, true)
                            .nan("base/acc")
                            .json(),
                    null));
        }
        Map<String, byte[]> files = SweepReports.render(plan, results, Sweeps.AT);
        String md = Sweeps.text(files, "report.md");
        assertThat(md)
                .startsWith("# Sweep: \\<script\\>alert(\"x\")\\</script\\> \\& \\*bold\\* \\| \\$x\\$\n")
                .contains("| 1 | lora.r=4 \\| \\!\\[img\\](http://x) \\# heading |")
                .doesNotContain("<script>");
        String json = Sweeps.text(files, "report.json");
        assertThat(json).doesNotContain("NaN").doesNotContain("Infinity");
        SweepReport report = Json.read(json, SweepReport.class);
        assertThat(report.title()).isEqualTo(title);
        assertThat(report.settings().get(0).label()).isEqualTo(label);
        assertThat(report.settings().get(0).training().validationLoss()).isEqualTo(Summary.EMPTY);
        assertThat(report.settings().get(0).evaluation().get(0).pairedStderr()).isNull();
        for (String name : files.keySet()) {
            if (name.endsWith(".svg")) {
                SvgDocument svg = SvgDocument.parse(files.get(name));
                assertThat(String.join("\n", svg.texts())).as(name).doesNotContain("NaN");
            }
        }
        assertThat(SvgDocument.parse(files.get("loss.svg")).texts())
                .anyMatch(t -> t.startsWith("#1 lora.r=4 | ![img]"));
    }

    @Test
    void longCurvesAreAveragedIntoAtMostTheBoundOfPoints() {
        List<LossPoint> points = new ArrayList<>();
        for (int step = 1; step <= 5_001; step++) {
            points.add(new LossPoint(step, step % 2 == 0 ? 1.0 : 3.0, 1e-3));
        }
        List<double[]> drawn = LossCurves.downsample(points, 200);
        assertThat(drawn).hasSize(200);
        // each point is the mean of 25 or 26 consecutive steps: about 2 when steps alternate 1 and 3
        assertThat(drawn).allSatisfy(p -> assertThat(p[1]).isBetween(1.9, 2.1));
        assertThat(drawn.get(0)[0]).isEqualTo(13.0); // steps 1-25
        assertThat(drawn.get(199)[0]).isEqualTo((4_976 + 5_001) / 2.0); // the last 26
        assertThat(LossCurves.downsample(points.subList(0, 150), 200)).hasSize(150);
    }

    @Test
    void resultsThatDoNotMatchThePlanAreRefusedAllAtOnce() {
        SweepRun one = EXAMPLE.runs().get(0);
        SweepRun two = EXAMPLE.runs().get(1);
        List<RunResult> bad = List.of(
                RunResult.queued(new SweepRun(1, "other-1", 1, 1)),
                RunResult.queued(new SweepRun(99, "rank-opt-99", 1, 1)),
                RunResult.queued(two),
                RunResult.queued(two),
                new RunResult(one, Sweeps.trained(two), null, null, null));
        assertThatThrownBy(() -> SweepReports.render(EXAMPLE, bad, Sweeps.AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "results[0] is run 1 (other-1, setting 1, seed 1), which is not a run of sweep rank-opt")
                .hasMessageContaining("results[1] is run 99")
                .hasMessageContaining("results[3] is a second result for run 2")
                .hasMessageContaining("results[4] has the end of run 2 (rank-opt-2 of sweep rank-opt) for run 1");
    }

    @Test
    void aPlanOfMoreRunsThanAReportCoversIsRefused() {
        List<SweepRun> runs = new ArrayList<>();
        for (int n = 1; n <= SweepReports.MAX_RUNS + 1; n++) {
            runs.add(new SweepRun(n, "big-" + n, 1, n));
        }
        List<Long> seeds = runs.stream().map(SweepRun::seed).toList();
        SweepPlan big = new SweepPlan(
                "big", "big", List.of(), List.of(new SweepSetting(1, "base", Map.of())), seeds, runs, null);
        assertThatThrownBy(() -> SweepReports.render(big, List.of(), Instant.EPOCH))
                .hasMessageContaining("the plan has 257 runs, more than the 256 a report covers");
    }

    @Test
    void theLargestSweepStaysBoundedAndReadable() {
        SweepPlan plan = Sweeps.plan(
                """
                { "sweepId": "big", %s,
                  "grid": { "lora.r": [1, 2, 4, 8, 16, 32, 64, 128],
                            "training.learningRate": [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02] },
                  "seeds": [1, 2, 3, 4] }""");
        assertThat(plan.runs()).hasSize(SweepReports.MAX_RUNS);
        List<RunResult> results = new ArrayList<>();
        for (SweepRun run : plan.runs()) {
            TrainingRecord t = Sweeps.training(0.3 + 0.001 * run.n(), 0.4, 700, 8000, 60_000);
            List<LossPoint> long_ = Sweeps.curve(t.metrics().trainLoss(), 2_000);
            results.add(new RunResult(
                    run,
                    Sweeps.trained(run),
                    new TrainingRecord(t.metrics(), long_),
                    Sweeps.arc(0.5 + 0.001 * run.n(), 0.05),
                    700L << 20));
        }
        Map<String, byte[]> files = SweepReports.render(plan, results, Sweeps.AT);
        files.forEach((name, bytes) -> assertThat(bytes.length).as(name).isLessThan(2_000_000));
        SvgDocument loss = SvgDocument.parse(files.get("loss.svg"));
        assertThat(loss.elements("polyline")).hasSize(256);
        // 64 settings: the legend names them by number, report.md has their labels
        assertThat(loss.texts()).contains("#1", "#64").noneMatch(t -> t.startsWith("#64 lora.r"));
        assertThat(loss.elements("polyline"))
                .allSatisfy(p -> assertThat(p.getAttribute("points").split(" ")).hasSize(LossCurves.MAX_POINTS));
        SvgDocument byRank = SvgDocument.parse(files.get("metrics-by-lora.r.svg"));
        // train loss, validation loss and acc: a point per run, a mean per setting
        assertThat(byRank.count("circle", SvgDotPlot.VALUE_CLASS)).isEqualTo(3 * 256);
        assertThat(byRank.count("circle", SvgDotPlot.MEAN_CLASS)).isEqualTo(3 * 64);
    }

    private static List<RunResult> trainedAll(SweepPlan plan) {
        return Sweeps.allTrained(
                plan,
                run -> Sweeps.training(0.5 + 0.01 * run.n(), 0.6, 700, 8000, 60_000),
                run -> Sweeps.arc(0.4 + 0.01 * run.n(), 0.05));
    }
}
